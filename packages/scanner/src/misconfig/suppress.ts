import type { Finding, Suppressed } from "@bulwark/model";

/** One `bulwark:ignore=ID[,ID…] reason` directive. */
export interface Directive {
  ids: string[];
  reason: string;
  line: number;
  /** The comment is the whole line (not trailing after content). */
  fullLine: boolean;
}

const INLINE = /#\s*bulwark:ignore=([A-Za-z0-9_,-]+)(.*)$/;

/** Every inline suppression comment of a file, by line. */
export function inlineDirectives(text: string): Directive[] {
  if (!text.includes("bulwark:ignore")) return [];
  const out: Directive[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const m = INLINE.exec(raw);
    if (!m) continue;
    out.push({
      ids: (m[1] ?? "").split(",").filter(Boolean),
      reason: (m[2] ?? "").trim(),
      line: i + 1,
      fullLine: raw.trimStart().startsWith("#"),
    });
  }
  return out;
}

/** Parses the `bulwark.dev/ignore` annotation: "ID=reason; ID2=reason". */
export function annotationDirectives(value: unknown, line: number): Directive[] {
  if (typeof value !== "string") return [];
  return value
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf("=");
      const ids = (eq < 0 ? entry : entry.slice(0, eq)).split(",").map((s) => s.trim());
      return {
        ids: ids.filter(Boolean),
        reason: eq < 0 ? "" : entry.slice(eq + 1).trim(),
        line,
        fullLine: true,
      };
    });
}

export const ANNOTATION = "bulwark.dev/ignore";

/** Where a finding sits, for deciding which directives cover it. */
export interface Scope {
  line: number;
  /** Lines of the resource (document, Dockerfile) and where its header comments start. */
  headerStart: number;
  start: number;
  end: number;
}

/**
 * Splits findings into kept and suppressed. An inline directive covers a finding on its
 * own line, the next line (a comment above), or the whole resource when it sits in the
 * resource's header comments; an annotation covers its resource. A directive without a
 * reason does not apply and produces a warning.
 */
export class Suppressor {
  readonly suppressed: Suppressed[] = [];
  readonly warnings: string[] = [];
  private readonly warned = new Set<string>();

  apply(
    finding: Finding,
    scope: Scope,
    file: string,
    inline: readonly Directive[],
    annotations: readonly Directive[] = [],
  ): boolean {
    const byInline = inline.find(
      (d) =>
        d.ids.includes(finding.id) &&
        (d.line === scope.line ||
          (d.fullLine && d.line === scope.line - 1) ||
          (d.fullLine && d.line >= scope.headerStart && d.line < scope.start)),
    );
    const hit = byInline
      ? { d: byInline, by: "inline" }
      : (() => {
          const d = annotations.find((a) => a.ids.includes(finding.id));
          return d ? { d, by: "annotation" } : undefined;
        })();
    if (!hit) return false;
    if (!hit.d.reason) {
      const key = `${file}:${hit.d.line}:${finding.id}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        this.warnings.push(
          `${file}:${hit.d.line}: suppression of ${finding.id} has no reason and was not applied (write "${finding.id}=<reason>" or "bulwark:ignore=${finding.id} <reason>")`,
        );
      }
      return false;
    }
    this.suppressed.push({ finding, by: hit.by, reason: hit.d.reason });
    return true;
  }
}
