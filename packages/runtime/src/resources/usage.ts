/**
 * One reading of a container's resource counters from its cgroup files, v2 where the file
 * exists there, else v1. Each figure says which file it came from, so a reader can check it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CgroupDirs } from "./cgroup.js";

export interface Usage {
  /** Cumulative CPU time, nanoseconds. */
  cpuNs?: number;
  memoryBytes?: number;
  pids?: number;
  ioReadBytes?: number;
  ioWriteBytes?: number;
  /** figure → the file it was read from. */
  sources: Record<string, string>;
}

/** "key value" lines (cpu.stat, memory.stat) → map. */
export function keyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** v2 io.stat: "MAJ:MIN rbytes=… wbytes=… …" per device → totals. */
export function ioStatTotals(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const m of text.matchAll(/\b(rbytes|wbytes)=(\d+)/g)) {
    if (m[1] === "rbytes") read += Number(m[2]);
    else write += Number(m[2]);
  }
  return { read, write };
}

/** v1 blkio.throttle.io_service_bytes: "MAJ:MIN Read N" lines → totals (the "Total" lines skipped). */
export function blkioTotals(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of text.split("\n")) {
    const m = /^\d+:\d+ (Read|Write) (\d+)$/.exec(line.trim());
    if (m?.[1] === "Read") read += Number(m[2]);
    else if (m?.[1] === "Write") write += Number(m[2]);
  }
  return { read, write };
}

function read(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const num = (t: string | undefined): number | undefined =>
  t !== undefined && /^\s*\d+\s*$/.test(t) ? Number(t) : undefined;
const at = (dir: string | undefined, f: string) => (dir ? join(dir, f) : undefined);

export function readUsage(d: CgroupDirs): Usage {
  const u: Usage = { sources: {} };
  const set = (k: "cpuNs" | "memoryBytes" | "pids", value: number | undefined, file: string | undefined) => {
    if (value === undefined || u[k] !== undefined) return;
    u[k] = value;
    u.sources[k] = file!;
  };
  const cpuStat = at(d.v2, "cpu.stat");
  const usec = keyValues(read(cpuStat) ?? "").get("usage_usec");
  set("cpuNs", usec === undefined ? undefined : usec * 1000, cpuStat);
  const cpuacct = at(d.v1.get("cpuacct"), "cpuacct.usage");
  set("cpuNs", num(read(cpuacct)), cpuacct);
  const memCurrent = at(d.v2, "memory.current");
  set("memoryBytes", num(read(memCurrent)), memCurrent);
  const memUsage = at(d.v1.get("memory"), "memory.usage_in_bytes");
  set("memoryBytes", num(read(memUsage)), memUsage);
  for (const f of [at(d.v2, "pids.current"), at(d.v1.get("pids"), "pids.current")])
    set("pids", num(read(f)), f);
  const ioStat = at(d.v2, "io.stat");
  const blkio = at(d.v1.get("blkio"), "blkio.throttle.io_service_bytes");
  const v2io = read(ioStat);
  const io =
    v2io !== undefined
      ? ioStatTotals(v2io)
      : read(blkio) !== undefined
        ? blkioTotals(read(blkio)!)
        : undefined;
  if (io) {
    u.ioReadBytes = io.read;
    u.ioWriteBytes = io.write;
    u.sources.io = (v2io !== undefined ? ioStat : blkio)!;
  }
  return u;
}
