/**
 * `bulwark runtime top [--interval S] [--count N] [--format table|json]`: CPU, memory,
 * processes and I/O per running container, from its cgroup files (v1, v2 or hybrid), with
 * sustained anomalies flagged. The first figures appear after one interval (rates need two
 * samples); `--count` samples then stops (default: until interrupted).
 */
import type { Command } from "commander";
import { RuntimeError } from "../errors.js";
import { columns } from "./table.js";
import { ResourceSampler, type ContainerSample } from "../resources/sampler.js";

interface TopFlags {
  interval: string;
  count?: string;
  format: string;
}

const mib = (b: number | undefined) => (b === undefined ? "-" : `${(b / 1048576).toFixed(1)}M`);
const rate = (b: number | undefined) => (b === undefined ? "-" : `${(b / 1024).toFixed(0)}K/s`);

export function topTable(samples: ContainerSample[]): string {
  const rows = [
    ["CONTAINER", "NAME", "IMAGE", "CPU%", "MEM", "PIDS", "READ", "WRITE", "FLAGS"],
    ...samples.map((s) => [
      s.id.slice(0, 16),
      s.name ?? "",
      s.image ?? "",
      s.cpuPercent === undefined ? "-" : s.cpuPercent.toFixed(1),
      mib(s.usage.memoryBytes),
      String(s.usage.pids ?? "-"),
      rate(s.ioReadPerSecond),
      rate(s.ioWritePerSecond),
      s.flags.join(",") || "-",
    ]),
  ];
  return columns(rows);
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new RuntimeError("USAGE", `${flag}: expected a positive number, got "${v}"`);
  return n;
}

async function top(flags: TopFlags): Promise<void> {
  if (flags.format !== "table" && flags.format !== "json")
    throw new RuntimeError("USAGE", `--format: expected table or json, got "${flags.format}"`);
  const interval = positive("--interval", flags.interval) * 1000;
  const count = flags.count === undefined ? Infinity : positive("--count", flags.count);
  const sampler = new ResourceSampler();
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  process.once("SIGTERM", () => (stop = true));
  sampler.sample();
  for (let i = 0; i < count && !stop; i++) {
    await new Promise((r) => setTimeout(r, interval));
    const samples = sampler.sample();
    process.stdout.write(flags.format === "json" ? `${JSON.stringify(samples)}\n` : topTable(samples));
  }
}

export function registerTopCommand(runtime: Command): void {
  runtime
    .command("top")
    .description(
      "CPU, memory, processes and I/O per running container (cgroup v1/v2), with sustained anomalies flagged",
    )
    .option("--interval <seconds>", "seconds between samples", "2")
    .option("--count <n>", "print this many samples, then stop")
    .option("--format <format>", "table or json (one JSON array per sample)", "table")
    .action((flags: TopFlags) => top(flags));
}
