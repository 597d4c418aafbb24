/**
 * The checks every action makes before it touches anything, so that no action lands on the
 * wrong process: the pid must still be alive, still belong to the container the event named
 * (its cgroup path names the container id), and have started no later than the event's
 * process (a pid reused since is left alone). Host processes are refused unless the rule's
 * entry explicitly allows them, and the agent never acts on itself.
 */
import { readFileSync } from "node:fs";
import type { RuntimeEvent } from "../events/index.js";
import type { ResponseTarget } from "./types.js";

const TICKS = 100; // USER_HZ on Linux

function bootTimeMs(): number {
  const m = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
  return Number(m?.[1] ?? 0) * 1000;
}

/** State letter and start time (ms since the epoch) of a pid, or undefined when it is gone. */
function procStat(pid: number): { state: string; startMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", startMs: bootTimeMs() + (Number(fields[19]) / TICKS) * 1000 };
  } catch {
    return undefined;
  }
}

/** Start time of a live pid in ms since the epoch, or undefined when it is gone. */
export function processStartMs(pid: number): number | undefined {
  return procStat(pid)?.startMs;
}

export function cgroupOf(pid: number): string | undefined {
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

/** Runtimes' systemd scope prefixes: docker-<id>.scope, cri-containerd-<id>.scope, … */
const SCOPE_PREFIXES = ["docker", "cri-containerd", "crio", "libpod"];

/**
 * Does a cgroup path segment name container ID? Runtimes spell it as the whole segment
 * (runc: /<id>, Docker cgroupfs: /docker/<id>), as a systemd scope (docker-<id>.scope) or
 * as containerd's systemd-driver triple (<slice>:cri-containerd:<id>). Looser tests would
 * take "bw-x2" for "bw-x" or session-3.scope for container "3".
 */
export function segmentNames(segment: string, id: string): boolean {
  if (segment === id || segment === `${id}.scope`) return true;
  if (SCOPE_PREFIXES.some((p) => segment === `${p}-${id}.scope`)) return true;
  const parts = segment.split(":");
  return parts.length === 3 && parts[2] === id && SCOPE_PREFIXES.includes(parts[1]!);
}

export function cgroupNamesContainer(procCgroup: string, id: string): boolean {
  return procCgroup
    .split("\n")
    .some((line) => (line.split(":").slice(2).join(":") || "").split("/").some((s) => segmentNames(s, id)));
}

export function targetOf(e: RuntimeEvent): ResponseTarget {
  return {
    pid: e.process.pid,
    name: e.process.name,
    containerId: e.container.id,
    runtime: e.container.runtime,
    startTime: e.process.startTime,
  };
}

export type TargetCheck = { ok: true } | { ok: false; reason: string };

export function checkTarget(t: ResponseTarget, o: { host: boolean }): TargetCheck {
  const no = (reason: string): TargetCheck => ({ ok: false, reason });
  if (t.pid === process.pid) return no("the target is the agent itself");
  if (!Number.isSafeInteger(t.pid) || t.pid <= 1) return no(`pid ${t.pid} is not a process Bulwark acts on`);
  const isHost = t.containerId === "host";
  if (isHost && !o.host)
    return no("a host process: responses act on containers only unless the rule's entry says host: true");
  const gone = no(`the process has exited (pid ${t.pid} is gone)`);
  // A zombie has left its cgroup already; it is gone, not reused.
  const before = procStat(t.pid);
  if (before === undefined || before.state === "Z" || before.state === "X") return gone;
  const cgroup = cgroupOf(t.pid);
  if (cgroup === undefined) return gone;
  if (!isHost && !cgroupNamesContainer(cgroup, t.containerId))
    return no(`pid ${t.pid} no longer belongs to container ${t.containerId} (pid reused)`);
  // Read again after the cgroup: a pid reused in between shows a later start.
  const started = processStartMs(t.pid);
  if (started === undefined) return gone;
  const expected = t.startTime ? Date.parse(t.startTime) : Number.NaN;
  // On the host no cgroup names the process, so its start time is the only guard left.
  if (isHost && !Number.isFinite(expected))
    return no("a host process without a start time in the event: a reused pid could not be told apart");
  if (Number.isFinite(expected) && !sameProcess(started, expected))
    return no(`pid ${t.pid} started at another time than the event's process (pid reused)`);
  return { ok: true };
}
