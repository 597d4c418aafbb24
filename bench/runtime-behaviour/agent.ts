/**
 * The agent's own cost: `bulwark runtime watch` (bpftrace sensor, default rules) as a child
 * process, sampled from /proc every second — CPU (utime+stime of the node process and its
 * bpftrace child, as % of one core), RSS (VmRSS; peak VmHWM) and the events/s it reports in
 * its status file — first idle (no containers), then while 50 real runc containers run,
 * each a loop that execs two programs a second (`cat`, `sleep`). Root, runc and bpftrace
 * are required (the section says what is missing and returns).
 *
 *   npm run bench -- runtime-behaviour agent [--seconds 60] [--containers 50]
 *
 * events/s is the whole node's (what the agent handles), host activity included; on a shared
 * machine that varies with other work, so the containers' share is not the difference of the
 * two phases. The status file also says how many of the bench's containers the agent
 * attributed events to, and how many records the kernel lost.
 *
 * What this does not show: the eBPF probes themselves run in the kernel in the context of
 * the traced processes, so their cost is charged to those processes, not to the agent.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  missingForLiveTests,
  sh,
  startContainer,
  type Container,
} from "../../packages/runtime/src/sensor/testing/containers.js";
import { buildImage } from "../../packages/testkit/src/fixtures/images.js";
import { recipes } from "../../packages/testkit/src/fixtures/recipes.js";
import { bulwarkCommand } from "../lib/measure.js";

const TICK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
const WORKLOAD = "while true; do cat /etc/hostname > /dev/null; sleep 1; done";

interface Sample {
  at: number;
  /** CPU ticks (utime + stime) per pid. */
  ticks: Map<number, number>;
  rssKb: number;
  status: StatusCounts | undefined;
}

const numArg = (args: string[], name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};

function cpuTicks(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The agent's child processes (bpftrace), found by parent pid. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(d));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

interface StatusCounts {
  events: number;
  lost: number;
  containers: string[];
}

function statusCounts(file: string): StatusCounts | undefined {
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as {
      sensor: { events: number; lost: number };
      containers: Array<{ id: string }>;
    };
    return { events: s.sensor.events, lost: s.sensor.lost, containers: s.containers.map((c) => c.id) };
  } catch {
    return undefined;
  }
}

async function startAgent(statusFile: string): Promise<ChildProcess> {
  const { cmd, pre } = bulwarkCommand();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(cmd, [...pre, "runtime", "watch", "--status-file", statusFile], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
  let err = "";
  await new Promise<void>((ready, fail) => {
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      if (err.includes("attached")) ready();
    });
    child.once("close", (code) => fail(new Error(`runtime watch exited ${code}: ${err.slice(-500)}`)));
  });
  return child;
}

async function stopAgent(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const closed = new Promise((r) => child.once("close", r));
  child.kill("SIGTERM");
  await closed;
}

/** Runs the agent for `seconds` and samples it once a second; the first 5 s (start-up) are not counted. */
async function measure(label: string, seconds: number, dir: string, prefix: string): Promise<void> {
  const statusFile = join(dir, `${label}.status.json`);
  const agent = await startAgent(statusFile);
  try {
    const pid = agent.pid!;
    await new Promise((r) => setTimeout(r, 5000));
    const pids = [pid, ...childrenOf(pid)];
    const sample = (): Sample => ({
      at: performance.now(),
      ticks: new Map(pids.map((p) => [p, cpuTicks(p)])),
      rssKb: pids.reduce((s, p) => s + statusKb(p, "VmRSS"), 0),
      status: statusCounts(statusFile),
    });
    const samples = [sample()];
    for (let i = 0; i < seconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(sample());
    }
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const wall = (last.at - first.at) / 1000;
    const cpu = (p: number) => (last.ticks.get(p)! - first.ticks.get(p)!) / TICK / wall;
    const total = pids.reduce((s, p) => s + cpu(p), 0);
    const hwm = pids.map((p) => statusKb(p, "VmHWM"));
    const a = first.status;
    const b = last.status;
    const events = a && b ? Math.round((b.events - a.events) / wall).toLocaleString("en-US") : "?";
    const lost = a && b ? b.lost - a.lost : "?";
    const ours = b ? b.containers.filter((id) => id.startsWith(prefix)).length : "?";
    console.log(
      `  ${label.padEnd(15)} CPU ${(total * 100).toFixed(1)}% of one core (node ${(cpu(pid) * 100).toFixed(1)}%, ` +
        `bpftrace ${(pids.slice(1).reduce((s, p) => s + cpu(p), 0) * 100).toFixed(1)}%); ` +
        `RSS avg ${(samples.reduce((s, x) => s + x.rssKb, 0) / samples.length / 1024).toFixed(0)} MiB, ` +
        `peak ${(hwm.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} MiB (node ${(hwm[0]! / 1024).toFixed(0)}); ` +
        `${events} events/s (${lost} lost; ${ours} of the bench's containers attributed); ` +
        `${wall.toFixed(0)} s; load ${loadavg()
          .map((x) => x.toFixed(1))
          .join(" ")}`,
    );
  } finally {
    await stopAgent(agent);
  }
}

export async function run(args: string[]): Promise<void> {
  const missing = missingForLiveTests("bench runtime-behaviour agent");
  if (missing.length) return;
  const seconds = numArg(args, "--seconds", 60);
  const count = numArg(args, "--containers", 50);
  const tag = `${process.pid % 100000}`;
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-agent-"));
  const containers: Container[] = [];
  let removing: Promise<unknown> | undefined;
  const removeAll = () => (removing ??= Promise.all(containers.map((c) => c.remove())));
  // An interrupted bench still removes its containers.
  const onSignal = () => void removeAll().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    console.log(`agent: ${bulwarkCommand().label}; ${seconds} s per phase, sampled every second`);
    await measure("idle", seconds, dir, `bw-bench-${tag}-`);
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    for (let i = 0; i < count; i++) {
      const id = `bw-bench-${tag}-${i}`;
      const spec = { id, name: `load-${i}`, imageRootfs: rootfs, args: ["sh", "-c", WORKLOAD] };
      // A start that failed half-way may still have left runc state behind.
      containers.push(
        await startContainer(spec).catch(async (e: unknown) => {
          await sh("runc", ["delete", "-f", id]).catch(() => undefined);
          throw e;
        }),
      );
    }
    await measure(`${count} containers`, seconds, dir, `bw-bench-${tag}-`);
  } finally {
    await removeAll();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    const left = containers.filter((c) => existsSync(`/run/runc/${c.id}`));
    if (left.length) console.log(`  WARNING: containers left: ${left.map((c) => c.id).join(" ")}`);
    rmSync(dir, { recursive: true, force: true });
  }
}
