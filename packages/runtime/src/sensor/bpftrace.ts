/**
 * The live kernel sensor: runs the generated program under bpftrace (`-f json`), turns
 * its lines into RuntimeEvents and counts every loss. bpftrace is a child process: if it
 * fails, the watcher reports it; it never runs inside (or signals) a watched process.
 * Backpressure: when we read slower than the kernel writes, the pipe fills, bpftrace
 * stalls, the perf ring buffer overflows and bpftrace reports `lost_events`, which we add
 * to `stats.lost`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { RuntimeEvent } from "../events/index.js";
import { EventAssembler, type ContextSource } from "./assemble.js";
import { checkSensorEnvironment, moduleKprobesAvailable, tracepointAvailable } from "./environment.js";
import { SensorError } from "./errors.js";
import { parseSensorLine } from "./parse.js";
import { buildSensorProgram, DEFAULT_READ_PREFIXES, DEFAULT_WRITE_PREFIXES } from "./program.js";
import { newStats, type SensorStats } from "./stats.js";

/** bpftrace 0.17's BPF stack fits one 160-byte string per printf next to the header; longer paths are cut. */
export const SENSOR_STRLEN = 160;

/**
 * perf ring pages per CPU: 16 MiB each, which absorbed a 100,000-open burst from one process
 * (4 MiB lost 29% of it), within a 256 MiB total so a many-core node does not pin gigabytes.
 * A power of two, as perf requires.
 */
export function defaultRingPages(cpus: number): number {
  const budget = (256 * 1024 * 1024) / 4096 / Math.max(1, cpus);
  let pages = 4096;
  while (pages > 256 && pages > budget) pages /= 2;
  return pages;
}

export interface BpftraceSensorOptions {
  context: ContextSource;
  onEvent: (e: RuntimeEvent) => void;
  writePrefixes?: string[];
  readPrefixes?: string[];
  /** Extra pids to exclude in the kernel (the agent's own pid is always excluded). */
  ignorePids?: number[];
  /** perf ring buffer pages per CPU (BPFTRACE_PERF_RB_PAGES); default `defaultRingPages`. */
  ringPages?: number;
  env?: NodeJS.ProcessEnv;
}

export class BpftraceSensor {
  readonly stats: SensorStats = newStats("bpftrace");
  private child?: ChildProcess;
  private dir?: string;
  private timer?: NodeJS.Timeout;
  private readonly assembler: EventAssembler;
  private stderrTail: string[] = [];
  private exited?: Promise<number | null>;

  constructor(private readonly o: BpftraceSensorOptions) {
    this.assembler = new EventAssembler(o.context, undefined, 500, () => Date.now(), hostname());
  }

  /** Resolves once bpftrace has attached its probes; rejects with a SensorError otherwise. */
  async start(): Promise<void> {
    const env = this.o.env ?? process.env;
    const { bpftrace, tracefs } = checkSensorEnvironment(env);
    const program = buildSensorProgram({
      writePrefixes: this.o.writePrefixes ?? DEFAULT_WRITE_PREFIXES,
      readPrefixes: this.o.readPrefixes ?? DEFAULT_READ_PREFIXES,
      ignorePids: [process.pid, ...(this.o.ignorePids ?? [])],
      available: tracepointAvailable(tracefs),
      moduleKprobes: moduleKprobesAvailable(tracefs),
    });
    this.stats.skippedProbes = program.skipped;
    this.dir = mkdtempSync(join(tmpdir(), "bulwark-sensor-"));
    const file = join(this.dir, "sensor.bt");
    writeFileSync(file, program.text);
    const child = spawn(bpftrace, ["-f", "json", file], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...env,
        BPFTRACE_STRLEN: String(SENSOR_STRLEN),
        BPFTRACE_PERF_RB_PAGES: String(this.o.ringPages ?? defaultRingPages(availableParallelism())),
        BPFTRACE_NO_CPP_DEMANGLE: "1",
      },
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("close", (code) => resolve(code)));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => this.noteStderr(d));
    const attached = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Infinity });
      lines.on("line", (line) => {
        if (this.onLine(line)) resolve();
      });
      child.once("error", (e) =>
        reject(new SensorError("SENSOR_FAILED", `bpftrace could not start: ${e.message}`)),
      );
      child.once("close", (code) =>
        reject(
          new SensorError(
            "SENSOR_FAILED",
            `bpftrace exited (${code ?? "signal"}) before attaching: ${this.reason()}`,
          ),
        ),
      );
    });
    await attached;
    this.timer = setInterval(() => this.deliver(this.assembler.flushStale()), 250);
    this.timer.unref();
  }

  /** Detaches the probes (SIGINT lets bpftrace clean up; SIGKILL after 5 s). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    this.deliver(this.assembler.flushStale(true));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** pid of the bpftrace process (for CPU accounting), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves when bpftrace exits on its own (a crash); the watcher reports it. */
  get done(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  reason(): string {
    const useful = this.stderrTail.filter((l) => l.trim() && !l.includes("RLIMIT_MEMLOCK"));
    return useful.slice(-2).join(" / ").slice(0, 400) || "no message";
  }

  private noteStderr(d: string): void {
    this.stderrTail.push(...d.split("\n"));
    if (this.stderrTail.length > 50) this.stderrTail = this.stderrTail.slice(-50);
  }

  /** Handles one output line; true for the program's ready record (every probe attached). */
  private onLine(line: string): boolean {
    this.stats.lines++;
    const parsed = parseSensorLine(line);
    if (!parsed.ok) {
      this.stats.parseErrors++;
      this.stats.lastParseError = `${parsed.error}: ${line.slice(0, 200)}`;
      return false;
    }
    if ("lost" in parsed) this.stats.lost += parsed.lost;
    else if ("record" in parsed) this.deliver(this.assembler.push(parsed.record));
    return "ready" in parsed;
  }

  private deliver(events: RuntimeEvent[]): void {
    for (const e of events) {
      this.stats.events++;
      this.o.onEvent(e);
    }
  }
}
