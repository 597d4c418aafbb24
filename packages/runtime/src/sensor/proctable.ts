/**
 * pid → what we know about the process: filled from exec records (argv, exe, tty, ids)
 * and, for processes that started before the sensor, from /proc once. Gives each event
 * its process and ancestry without a /proc read per event. Exited processes linger for
 * `lingerMs` so late events and children's ancestry still resolve.
 */
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { AncestorInfo } from "../events/index.js";

export interface ProcEntry {
  pid: number;
  ppid: number;
  name: string;
  exe: string;
  exePath?: string;
  args: string[];
  cwd?: string;
  tty?: number;
  loginuid?: number;
  euid?: number;
  startTime?: string;
  exitedAt?: number;
}

export class ProcessTable {
  private readonly procs = new Map<number, ProcEntry>();

  constructor(
    private readonly procRoot = "/proc",
    private readonly lingerMs = 30_000,
    private readonly now = () => Date.now(),
  ) {}

  get size(): number {
    return this.procs.size;
  }

  set(e: ProcEntry): void {
    this.procs.set(e.pid, e);
  }

  /** The entry for pid, read from /proc when unknown (undefined if the process is gone). */
  get(pid: number): ProcEntry | undefined {
    return this.procs.get(pid) ?? this.load(pid);
  }

  exited(pid: number): void {
    const e = this.procs.get(pid);
    if (e) e.exitedAt = this.now();
  }

  /**
   * Parent first; stops at pid 0, a cycle, or `max`. A parent already gone and never seen
   * is listed by pid with an empty name (the chain is cut there, not invented).
   */
  ancestors(ppid: number, max = 8): AncestorInfo[] {
    const out: AncestorInfo[] = [];
    const seen = new Set<number>();
    let pid = ppid;
    while (pid > 0 && out.length < max && !seen.has(pid)) {
      seen.add(pid);
      const e = this.get(pid);
      if (!e) {
        out.push({ pid, name: "" });
        break;
      }
      out.push({ pid, name: e.name, exe: e.exePath ?? e.exe, args: e.args });
      pid = e.ppid;
    }
    return out;
  }

  sweep(): void {
    const cutoff = this.now() - this.lingerMs;
    for (const [pid, e] of this.procs)
      if (e.exitedAt !== undefined && e.exitedAt < cutoff) this.procs.delete(pid);
  }

  private load(pid: number): ProcEntry | undefined {
    const dir = join(this.procRoot, String(pid));
    let stat: string;
    try {
      stat = readFileSync(join(dir, "stat"), "utf8");
    } catch {
      return undefined;
    }
    // comm is in parentheses and may itself contain ") "; the fields after the last ')' are fixed.
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const after = stat.slice(close + 2).split(" ");
    const argv =
      safe(() =>
        readFileSync(join(dir, "cmdline"), "utf8")
          .split("\0")
          .filter((a, i, all) => a !== "" || i < all.length - 1),
      ) ?? [];
    const e: ProcEntry = {
      pid,
      ppid: Number(after[1] ?? 0),
      name,
      exe: argv[0] ?? name,
      exePath: safe(() => readlinkSync(join(dir, "exe"))),
      args: argv.slice(1),
      cwd: safe(() => readlinkSync(join(dir, "cwd"))),
      tty: Number(after[4] ?? 0),
    };
    this.procs.set(pid, e);
    return e;
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
