import type { ComplianceReport } from "@bulwark/model";

/**
 * A plain rendering of `summary.compliance` for the table. The misconfiguration
 * scanner owns the compliance model and its own renderer; this fallback prints any
 * list of controls ({id, title?, status}) it is given, and nothing is lost: the
 * JSON report always carries the full structure.
 */
export function renderComplianceFallback(compliance: unknown): string[] {
  if (typeof compliance !== "object" || compliance === null) return [];
  const c = compliance as { name?: unknown; controls?: unknown };
  const lines = [`Compliance${typeof c.name === "string" ? `: ${c.name}` : ""}`, ""];
  if (!Array.isArray(c.controls)) return [...lines, "  (see --format json for the compliance results)"];
  for (const raw of c.controls) {
    const ctl = raw as { id?: unknown; title?: unknown; status?: unknown };
    lines.push(
      `  ${String(ctl.status ?? "?")
        .toUpperCase()
        .padEnd(8)} ${String(ctl.id ?? "")}  ${String(ctl.title ?? "")}`,
    );
  }
  return lines;
}

/** Plain-text table for the table report writer. */
export function renderComplianceTable(compliance: ComplianceReport): string {
  const rows = compliance.controls.map((c) => [
    c.id,
    c.suppressed ? `${c.status.toUpperCase()} (${c.suppressed} suppressed)` : c.status.toUpperCase(),
    c.title ?? "",
    (c.failed.length ? c.failed : c.checks).join(", "),
  ]);
  const header = ["CONTROL", "STATUS", "TITLE", "CHECKS (failed, else mapped)"];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]): string =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.slice(0, widths[i]).padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const t = compliance.totals;
  const withSuppressions = t.passWithSuppressions
    ? ` (${t.passWithSuppressions} with suppressed findings)`
    : "";
  return [
    `${compliance.title}: ${t.pass} pass${withSuppressions}, ${t.fail} fail, ${t.notApplicable} not applicable`,
    fmt(header),
    ...rows.map(fmt),
  ].join("\n");
}
