/** `bulwark secrets rules [--format table|json]`: prints the secret rule catalog. */
import type { Command } from "commander";
import { BulwarkError } from "@bulwark/model";
import { kubernetesRules, builtinRules } from "@bulwark/scanner";

interface RuleRow {
  id: string;
  severity: string;
  title: string;
  keywords: string[];
  regex?: string;
  kind: "regex" | "kubernetes";
}

function rows(): RuleRow[] {
  return [
    ...builtinRules.map((r) => ({
      id: r.id,
      severity: r.severity,
      title: r.title,
      keywords: r.keywords,
      regex: r.regex,
      kind: "regex" as const,
    })),
    ...kubernetesRules.map((r) => ({
      id: r.id,
      severity: r.severity,
      title: r.title,
      keywords: [],
      kind: "kubernetes" as const,
    })),
  ];
}

function table(list: RuleRow[]): string {
  const cells = list.map((r) => [r.id, r.severity, r.title]);
  const widths = [0, 1].map((i) => Math.max(...cells.map((c) => c[i]!.length), 8));
  const line = (c: string[]): string => `${c[0]!.padEnd(widths[0]!)}  ${c[1]!.padEnd(widths[1]!)}  ${c[2]}`;
  return [line(["ID", "SEVERITY", "TITLE"]), ...cells.map(line), "", `${list.length} rules`].join("\n");
}

export function registerSecrets(program: Command): void {
  const secrets = program.command("secrets").description("the secret detection rule catalog");
  secrets
    .command("rules")
    .description("list every built-in secret rule (ids for --disable-rule)")
    .option("--format <format>", "table or json", "table")
    .action((opts: { format: string }) => {
      if (opts.format !== "table" && opts.format !== "json")
        throw new BulwarkError("USAGE", `unknown format "${opts.format}" (use table or json)`);
      const list = rows();
      process.stdout.write(
        opts.format === "json" ? `${JSON.stringify(list, null, 2)}\n` : `${table(list)}\n`,
      );
    });
}
