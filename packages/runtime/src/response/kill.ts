/**
 * Killing a process a rule or a baseline says must die, without killing the wrong one: the
 * pid must still belong to the same container (its cgroup names the container id) and have
 * started no later than the process the event described (a pid reused since is left alone).
 * Host processes are never touched here.
 */
import { readFileSync } from "node:fs";
import type { RuntimeEvent } from "../events/types.js";

export type ResponseOutcome =
  { done: true; action: "kill"; pid: number } | { done: false; action: "kill"; pid: number; reason: string };

const TICKS = 100; // USER_HZ on Linux

function bootTimeMs(): number {
  const m = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
  return Number(m?.[1] ?? 0) * 1000;
}

/** Start time of a live pid in ms since the epoch, or undefined when it is gone. */
export function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return bootTimeMs() + (Number(fields[19]) / TICKS) * 1000;
  } catch {
    return undefined;
  }
}

function cgroupOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, "utf8");
  } catch {
    return undefined;
  }
}

/** How far apart two clocks' views of one moment may be (tick rounding, ktime → wall time). */
const START_TOLERANCE_MS = 1000;

/**
 * Is the live process that started at STARTED_MS the one the event saw at EVENT_MS? A process
 * starts (forks) before it execs — seconds before under load with `runc exec`, whose process
 * forks, joins the container and only then execs — so only a start *after* the event means
 * the pid was reused (two live processes never share a pid).
 */
export function sameProcess(startedMs: number, eventMs: number): boolean {
  return startedMs <= eventMs + START_TOLERANCE_MS;
}

export function killEventProcess(e: RuntimeEvent, signal: NodeJS.Signals = "SIGKILL"): ResponseOutcome {
  const pid = e.process.pid;
  const no = (reason: string): ResponseOutcome => ({ done: false, action: "kill", pid, reason });
  if (e.container.id === "host") return no("a host process: responses act on containers only");
  const cgroup = cgroupOf(pid);
  if (cgroup === undefined) return no("the process has exited");
  if (!cgroup.includes(e.container.id))
    return no(`pid ${pid} no longer belongs to container ${e.container.id} (pid reused)`);
  const started = processStartMs(pid);
  const expected = e.process.startTime ? Date.parse(e.process.startTime) : undefined;
  if (started === undefined) return no("the process has exited");
  if (expected !== undefined && !sameProcess(started, expected))
    return no(`pid ${pid} started at another time than the event's process (pid reused)`);
  try {
    process.kill(pid, signal);
    return { done: true, action: "kill", pid };
  } catch (err) {
    return no(`kill failed: ${(err as Error).message}`);
  }
}
