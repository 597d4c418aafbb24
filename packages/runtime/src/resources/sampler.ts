/**
 * Samples every running container's cgroup counters at an interval and turns them into
 * rates (CPU as a percentage of one core, I/O bytes per second), flagging sustained
 * anomalies: a CPU profile like a miner's (near a full core for many samples in a row) and a
 * process count that keeps climbing (a fork bomb). A container that vanishes between listing
 * and reading is skipped, not an error.
 */
import { listRuncStates, readBundleMeta } from "../context/index.js";
import { cgroupDirsOfPid } from "./cgroup.js";
import { readUsage, type Usage } from "./usage.js";

export interface RunningContainer {
  id: string;
  name?: string;
  image?: string;
  pid: number;
}

export interface ContainerSample {
  id: string;
  name?: string;
  image?: string;
  at: number;
  usage: Usage;
  /** Percent of one core since the previous sample (absent on the first). */
  cpuPercent?: number;
  ioReadPerSecond?: number;
  ioWritePerSecond?: number;
  /** Sustained anomalies: "cpu-sustained", "pids-surge". */
  flags: string[];
}

export interface AnomalyOptions {
  /** A sample at or above this CPU percent counts towards "cpu-sustained". */
  cpuPercent: number;
  /** Consecutive such samples that make it sustained. */
  cpuSamples: number;
  /** A sample whose process count grew by at least this counts towards "pids-surge". */
  pidsGrowth: number;
  pidsSamples: number;
}

export const DEFAULT_ANOMALIES: AnomalyOptions = {
  cpuPercent: 80,
  cpuSamples: 5,
  pidsGrowth: 20,
  pidsSamples: 3,
};

/** Containers runc (plain, containerd, Docker) has state for, with a live init pid. */
export function runningContainers(): RunningContainer[] {
  return listRuncStates().flatMap((s) => {
    if (!s.initPid) return [];
    const meta = s.bundle ? readBundleMeta(s.bundle).container : {};
    return [{ id: s.id, name: meta.name ?? s.id, image: meta.image, pid: s.initPid }];
  });
}

interface History {
  last: ContainerSample;
  cpuStreak: number;
  pidsStreak: number;
}

export class ResourceSampler {
  private readonly history = new Map<string, History>();

  constructor(
    private readonly list: () => RunningContainer[] = runningContainers,
    private readonly anomalies: AnomalyOptions = DEFAULT_ANOMALIES,
  ) {}

  sample(now = Date.now()): ContainerSample[] {
    const out: ContainerSample[] = [];
    const seen = new Set<string>();
    for (const c of this.list()) {
      const dirs = cgroupDirsOfPid(c.pid);
      if (!dirs) continue; // gone since it was listed
      const s: ContainerSample = {
        id: c.id,
        name: c.name,
        image: c.image,
        at: now,
        usage: readUsage(dirs),
        flags: [],
      };
      seen.add(c.id);
      this.rate(s, this.history.get(c.id));
      out.push(s);
    }
    for (const id of this.history.keys()) if (!seen.has(id)) this.history.delete(id);
    return out;
  }

  private rate(s: ContainerSample, h: History | undefined): void {
    if (!h) {
      this.history.set(s.id, { last: s, cpuStreak: 0, pidsStreak: 0 });
      return;
    }
    const seconds = (s.at - h.last.at) / 1000;
    const prev = h.last.usage;
    if (seconds > 0 && s.usage.cpuNs !== undefined && prev.cpuNs !== undefined)
      s.cpuPercent = (100 * (s.usage.cpuNs - prev.cpuNs)) / (seconds * 1e9);
    if (seconds > 0 && s.usage.ioReadBytes !== undefined && prev.ioReadBytes !== undefined) {
      s.ioReadPerSecond = (s.usage.ioReadBytes - prev.ioReadBytes) / seconds;
      s.ioWritePerSecond = ((s.usage.ioWriteBytes ?? 0) - (prev.ioWriteBytes ?? 0)) / seconds;
    }
    const a = this.anomalies;
    h.cpuStreak = (s.cpuPercent ?? 0) >= a.cpuPercent ? h.cpuStreak + 1 : 0;
    const grew = (s.usage.pids ?? 0) - (prev.pids ?? 0);
    h.pidsStreak = grew >= a.pidsGrowth ? h.pidsStreak + 1 : 0;
    if (h.cpuStreak >= a.cpuSamples) s.flags.push("cpu-sustained");
    if (h.pidsStreak >= a.pidsSamples) s.flags.push("pids-surge");
    h.last = s;
  }
}
