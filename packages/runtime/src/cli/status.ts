/**
 * `bulwark runtime status`: what the running (or last) `runtime watch` reported: event
 * rate, drops and parse errors, rules loaded, alerts, containers seen; plus whether the
 * eBPF sensor can run on this host.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { RuntimeError } from "../errors.js";
import { checkSensorEnvironment } from "../sensor/environment.js";
import type { AgentStatus } from "./agent.js";
import { statusFilePath } from "./watch.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sensorCheck(): string {
  try {
    checkSensorEnvironment();
    return "available (bpftrace, tracefs, privileges)";
  } catch (e) {
    return `unavailable: ${(e as Error).message}`;
  }
}

export function readStatus(path: string): AgentStatus | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as AgentStatus;
  } catch {
    throw new RuntimeError("EVENTS_INVALID", `status file ${path} is not valid JSON`);
  }
}

export function formatStatus(s: AgentStatus | undefined, sensor: string): string {
  if (!s) return `runtime watch: never run here\neBPF sensor: ${sensor}\n`;
  const running = s.running && alive(s.pid);
  const lines = [
    `runtime watch: ${running ? `running (pid ${s.pid})` : "not running"}, started ${s.startedAt}, updated ${s.updatedAt}`,
    `sensor: ${s.sensor.backend}${s.sensor.lossy ? " (LOSSY /proc polling)" : ""}; ${s.eventsPerSecond} events/s; ${s.sensor.events} events; dropped ${s.sensor.lost} (kernel ring buffer); ${s.sensor.parseErrors} parse errors`,
    `rules loaded: ${s.rulesLoaded}`,
    `alerts: ${s.alerts.sent} sent, ${s.alerts.suppressed} suppressed by dedup/rate limits, ${s.alerts.outputErrors} output errors`,
    `containers seen: ${s.containers.length}${s.containers.map((c) => `\n  ${c.id}${c.name && c.name !== c.id ? ` (${c.name})` : ""}${c.image ? ` ${c.image}` : ""}`).join("")}`,
    `agent RSS: ${(s.rssBytes / 1048576).toFixed(1)} MiB`,
    `eBPF sensor: ${sensor}`,
  ];
  if (s.sensor.skippedProbes.length)
    lines.push(`probes unavailable on this kernel: ${s.sensor.skippedProbes.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export function registerStatusCommand(runtime: Command): void {
  runtime
    .command("status")
    .description("Show the runtime watcher's rates, drops, rules loaded and containers seen")
    .option("--format <format>", "text or json", "text")
    .option("--status-file <file>", "the status file `runtime watch` writes")
    .action((flags: { format: string; statusFile?: string }, cmd: Command) => {
      if (flags.format !== "json" && flags.format !== "text")
        throw new RuntimeError("USAGE", `--format: expected json or text, got "${flags.format}"`);
      const s = readStatus(statusFilePath(cmd, flags.statusFile));
      const sensor = sensorCheck();
      if (flags.format === "json") {
        process.stdout.write(
          `${JSON.stringify({ status: s ?? null, running: !!s && s.running && alive(s.pid), sensor })}\n`,
        );
      } else process.stdout.write(formatStatus(s, sensor));
    });
}
