/**
 * `bulwark runtime replay EVENTS.jsonl --rules …`: evaluate recorded events offline
 * with the same engine the live sensor uses; one JSON line (or text line) per alert.
 */
import type { Command } from "commander";
import { toAlert } from "../alerts/index.js";
import { RuntimeError } from "../errors.js";
import { INPUT_FORMATS, openInput, readEvents, type InputFormat, type StreamStats } from "../inputs/index.js";
import { RuleEngine, defaultRuleFiles, loadRuleFiles } from "../rules/index.js";

interface ReplayFlags {
  rules: string[];
  defaultRules?: boolean;
  inputFormat: string;
  format: string;
}

const repeatable = (v: string, prev: string[]): string[] => [...prev, v];

export async function replay(
  path: string,
  flags: ReplayFlags,
  out: (line: string) => void,
): Promise<StreamStats & { alerts: number }> {
  if (!INPUT_FORMATS.includes(flags.inputFormat as InputFormat))
    throw new RuntimeError(
      "USAGE",
      `--input-format: expected one of ${INPUT_FORMATS.join(", ")}, got "${flags.inputFormat}"`,
    );
  if (flags.format !== "json" && flags.format !== "text")
    throw new RuntimeError("USAGE", `--format: expected json or text, got "${flags.format}"`);
  const files =
    flags.rules.length === 0 || flags.defaultRules ? [...flags.rules, ...defaultRuleFiles()] : flags.rules;
  const engine = new RuleEngine(loadRuleFiles(files).rules);
  const stats: StreamStats & { alerts: number } = { lines: 0, events: 0, skipped: {}, alerts: 0 };
  const input = openInput(path);
  for await (const e of readEvents(input, flags.inputFormat as InputFormat, stats)) {
    for (const m of engine.evaluate(e)) {
      stats.alerts++;
      out(
        flags.format === "json"
          ? JSON.stringify(toAlert(m))
          : `${m.event.time} ${m.priority} ${m.rule}: ${m.output}`,
      );
    }
  }
  return stats;
}

export function registerReplayCommand(runtime: Command): void {
  runtime
    .command("replay")
    .description(
      "Evaluate recorded events (Bulwark, Falco or Tetragon JSON lines; - for stdin) against rules",
    )
    .argument("<events>", "JSON-lines file of events, or - for stdin")
    .option("--rules <file>", "rule file (repeatable); default: Bulwark's default rules", repeatable, [])
    .option("--default-rules", "also load Bulwark's default rules when --rules is given")
    .option("--input-format <format>", `event format: ${INPUT_FORMATS.join(", ")}`, "auto")
    .option("--format <format>", "alert format: json or text", "json")
    .action(async (path: string, flags: ReplayFlags) => {
      const stats = await replay(path, flags, (line) => process.stdout.write(`${line}\n`));
      const skipped = Object.entries(stats.skipped).map(([k, v]) => `${k}: ${v}`);
      process.stderr.write(
        `replayed ${stats.events} events from ${stats.lines} lines, ${stats.alerts} alerts` +
          (skipped.length ? `; skipped lines: ${skipped.join(", ")}` : "") +
          "\n",
      );
    });
}
