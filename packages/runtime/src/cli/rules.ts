/** `bulwark runtime rules validate FILE…`: load rule files together, report, exit 0 or 2. */
import type { Command } from "commander";
import { loadRuleFiles, type LoadedRules } from "../rules/index.js";
import { formatLocation } from "../rules/reader.js";

export function summarizeRules(loaded: LoadedRules): string {
  const evaluable = loaded.rules.filter((r) => r.evaluable).length;
  const audit = loaded.audit.length
    ? ` and ${loaded.audit.length} k8s_audit rules (${loaded.audit.filter((r) => r.evaluable).length} evaluable)`
    : "";
  return `${loaded.rules.length} rules (${evaluable} evaluable)${audit}, ${loaded.macros} macros, ${loaded.lists} lists, ${loaded.warnings.length} warnings`;
}

export function registerRulesCommand(runtime: Command): void {
  const rules = runtime.command("rules").description("Work with Falco-syntax rule files");
  rules
    .command("validate")
    .description("Load rule files as one rule set (in the order given) and report errors and warnings")
    .argument("<files...>", "rule files (YAML, Falco syntax)")
    .option("--format <format>", "text or json", "text")
    .action((files: string[], flags: { format: string }) => {
      const loaded = loadRuleFiles(files);
      if (flags.format === "json") {
        const warnings = loaded.warnings.map((w) => ({
          code: w.code,
          at: formatLocation(w.at),
          rule: w.rule,
          message: w.message,
        }));
        const notEvaluable = [...loaded.rules, ...loaded.audit]
          .filter((r) => !r.evaluable)
          .map((r) => ({ rule: r.name, unsupported: r.unsupported }));
        process.stdout.write(
          `${JSON.stringify({ rules: loaded.rules.length + loaded.audit.length, auditRules: loaded.audit.length, evaluable: loaded.rules.length + loaded.audit.length - notEvaluable.length, macros: loaded.macros, lists: loaded.lists, notEvaluable, warnings })}\n`,
        );
        return;
      }
      for (const w of loaded.warnings)
        process.stdout.write(`warning: ${formatLocation(w.at)}: ${w.code}: ${w.message}\n`);
      process.stdout.write(`ok: ${summarizeRules(loaded)}\n`);
    });
}
