/** `bulwark checks list [--format table|json]`: prints the misconfiguration check catalog. */
import type { Command } from "commander";
import { BulwarkError } from "@bulwark/model";
import { catalog, FAMILIES, type CheckMeta } from "@bulwark/scanner";

function table(checks: readonly CheckMeta[]): string {
  const rows = checks.map((c) => [
    c.id,
    c.severity,
    c.title,
    Object.entries(c.mappings)
      .filter(([k]) => k === "trivy" || k === "kubescape" || k === "checkov" || k === "hadolint")
      .flatMap(([, ids]) => ids)
      .join(" "),
  ]);
  const header = ["ID", "SEVERITY", "TITLE", "PEER IDS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line), "", `${checks.length} checks`].join("\n");
}

export function registerChecks(program: Command): void {
  const checks = program.command("checks").description("the misconfiguration check catalog");
  checks
    .command("list")
    .description("list every check with its severity and peer-tool equivalents")
    .option("--format <format>", "table or json", "table")
    .option("--family <family>", `only one family (${FAMILIES.join(", ")})`)
    .action((opts: { format: string; family?: string }) => {
      if (opts.format !== "table" && opts.format !== "json")
        throw new BulwarkError("USAGE", `unknown format "${opts.format}" (use table or json)`);
      const list = catalog().filter((c) => !opts.family || c.family === opts.family);
      if (opts.family && list.length === 0)
        throw new BulwarkError("USAGE", `unknown check family "${opts.family}"`);
      process.stdout.write(
        opts.format === "json" ? `${JSON.stringify(list, null, 2)}\n` : `${table(list)}\n`,
      );
    });
}
