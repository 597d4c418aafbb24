/**
 * Sensor records → RuntimeEvent: joins continuation records (argv after exec, the second
 * string of rename/mount), keeps the process table, and adds container context. An exec
 * whose argv line never arrives (lost) is still emitted after `pendingMs`, without args.
 */
import { DriftCheck } from "./drift.js";
import { readlinkSync } from "node:fs";
import {
  type ContainerInfo,
  type EventBase,
  type K8sInfo,
  type ProcessInfo,
  type RuntimeEvent,
  HOST_CONTAINER_ID,
  RUNTIME_EVENT_SCHEMA,
} from "../events/index.js";
import { recordEvent } from "./map.js";
import { ProcessTable } from "./proctable.js";
import type { ArgvRecord, MoreRecord, SensorRecord } from "./records.js";

export interface ContextSource {
  resolve(pid: number, cgroupId: bigint): { container: ContainerInfo; k8s?: K8sInfo; initPid?: number };
}

interface Pending {
  record: SensorRecord;
  at: number;
}

export class EventAssembler {
  private readonly execs = new Map<number, Pending>();
  private readonly seconds = new Map<number, Pending>();
  private readonly drift = new DriftCheck();
  /** Wall-clock nanoseconds minus monotonic nanoseconds (bpftrace `nsecs` is CLOCK_MONOTONIC). */
  private readonly offsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

  constructor(
    private readonly context: ContextSource,
    readonly table = new ProcessTable(),
    private readonly pendingMs = 500,
    private readonly now = () => Date.now(),
    private readonly hostname?: string,
  ) {}

  push(r: SensorRecord | ArgvRecord | MoreRecord): RuntimeEvent[] {
    if (r.kind === "argv") return this.onArgv(r);
    if (r.kind === "more") return this.onMore(r);
    if (r.kind === "exec") {
      const out = this.flushExec(r.pid);
      this.execs.set(r.pid, { record: r, at: this.now() });
      return out;
    }
    if (r.kind === "rename" || r.kind === "mount") {
      const out = this.flushSecond(r.tid);
      this.seconds.set(r.tid, { record: r, at: this.now() });
      return out;
    }
    const out = this.flushExec(r.pid);
    if (r.kind === "exit") this.table.exited(r.pid);
    const e = this.event(r);
    if (e) out.push(e);
    return out;
  }

  /** Events whose continuation did not come within pendingMs (or all, with `all`). */
  flushStale(all = false): RuntimeEvent[] {
    const cutoff = this.now() - this.pendingMs;
    const out: RuntimeEvent[] = [];
    for (const [pid, p] of this.execs) if (all || p.at < cutoff) out.push(...this.flushExec(pid));
    for (const [tid, p] of this.seconds) if (all || p.at < cutoff) out.push(...this.flushSecond(tid));
    this.table.sweep();
    return out;
  }

  private onArgv(a: ArgvRecord): RuntimeEvent[] {
    const p = this.execs.get(a.pid);
    if (!p || p.record.kind !== "exec") return [];
    this.execs.delete(a.pid);
    return this.execEvent(p.record, a.args);
  }

  private onMore(m: MoreRecord): RuntimeEvent[] {
    const p = this.seconds.get(m.tid);
    if (!p) return [];
    const r = p.record;
    if (r.kind === "rename" && m.of === "rename") {
      r.newPath = m.text;
    } else if (r.kind === "mount" && m.of === "mount") {
      r.fsType = m.text;
      return [];
    } else if (r.kind === "mount" && m.of === "mountsrc") {
      r.device = m.text;
    } else {
      return [];
    }
    this.seconds.delete(m.tid);
    const e = this.event(r);
    return e ? [e] : [];
  }

  private flushExec(pid: number): RuntimeEvent[] {
    const p = this.execs.get(pid);
    if (!p || p.record.kind !== "exec") return [];
    this.execs.delete(pid);
    return this.execEvent(p.record, undefined);
  }

  private flushSecond(tid: number): RuntimeEvent[] {
    const p = this.seconds.get(tid);
    if (!p) return [];
    this.seconds.delete(tid);
    const e = this.event(p.record);
    return e ? [e] : [];
  }

  private execEvent(r: Extract<SensorRecord, { kind: "exec" }>, argv: string[] | undefined): RuntimeEvent[] {
    const args = argv ?? [];
    const exePath = r.filename.startsWith("/") ? r.filename : safeReadlink(`/proc/${r.pid}/exe`);
    this.table.set({
      pid: r.pid,
      ppid: r.ppid,
      name: r.comm,
      exe: args[0] ?? r.filename,
      exePath,
      args: args.slice(1),
      cwd: safeReadlink(`/proc/${r.pid}/cwd`),
      tty: r.tty,
      loginuid: r.loginuid,
      euid: r.euid,
      startTime: this.time(r.ktimeNs),
    });
    const e = this.event(r);
    if (!e) return [];
    const init = this.context.resolve(r.pid, r.cgroupId).initPid;
    const pids = [r.pid, r.ppid, ...e.process.ancestors.map((a) => a.pid), ...(init ? [init] : [])];
    const drift = this.drift.check(pids, r.mntns, e.container.id, exePath);
    if (drift?.upperLayer) {
      e.process.exeUpperLayer = true;
      if (drift.sha256) e.process.exeSha256 = drift.sha256;
    }
    return [e];
  }

  private event(r: SensorRecord): RuntimeEvent | undefined {
    const ctx = isRuntimeInit(r.comm) ? HOST_CONTEXT : this.context.resolve(r.pid, r.cgroupId);
    const base: EventBase = {
      schema: RUNTIME_EVENT_SCHEMA,
      time: this.time(r.ktimeNs),
      source: "bpftrace",
      process: this.process(r),
      container: ctx.container,
      ...(ctx.k8s ? { k8s: ctx.k8s } : {}),
      ...(this.hostname ? { hostname: this.hostname } : {}),
    };
    return recordEvent(r, base);
  }

  private process(r: SensorRecord): ProcessInfo {
    const e = this.table.get(r.pid);
    const exePath = e?.exePath;
    return {
      pid: r.pid,
      tid: r.tid,
      ppid: r.ppid,
      name: r.comm,
      exe: e?.exe ?? r.comm,
      ...(exePath ? { exePath } : {}),
      args: e?.args ?? [],
      ...(e?.cwd ? { cwd: e.cwd } : {}),
      uid: r.uid,
      gid: r.gid,
      ...(e?.euid !== undefined ? { euid: e.euid } : {}),
      loginuid: r.loginuid,
      tty: e?.tty ?? 0,
      ...(e?.startTime ? { startTime: e.startTime } : {}),
      ancestors: this.table.ancestors(r.ppid),
      ...(exePath
        ? {
            exeFromMemfd:
              exePath.startsWith("/memfd:") ||
              exePath.startsWith("/dev/shm/") ||
              exePath.startsWith("/dev/fd/"),
          }
        : {}),
    };
  }

  private time(ktimeNs: bigint): string {
    const ns = ktimeNs + this.offsetNs;
    const ms = Number(ns / 1_000_000n);
    const frac = (ns % 1_000_000_000n).toString().padStart(9, "0");
    return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
  }
}

const HOST_CONTEXT: { container: ContainerInfo; k8s?: K8sInfo } = { container: { id: HOST_CONTAINER_ID } };

/**
 * runc's own init ("runc:[0:PARENT]", "runc:[1:CHILD]", "runc:[2:INIT]") is the host's
 * runc binary setting the container up (mounts, setns, chmod of /dev) inside the new
 * cgroup before the workload execs: the runtime's work, attributed to the host.
 */
function isRuntimeInit(comm: string): boolean {
  return comm.startsWith("runc:[");
}

function safeReadlink(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}
