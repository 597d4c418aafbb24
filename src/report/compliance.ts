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
