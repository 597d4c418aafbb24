/**
 * The /proc polling fallback for hosts where eBPF is unavailable. LOSSY by design: it
 * sees processes and sockets only, and anything that starts and ends between two polls
 * is never seen (no file, privilege or namespace events at all). Events carry
 * `source: "proc"` and the sensor's stats say `lossy: true`.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { type EventBase, type RuntimeEvent, RUNTIME_EVENT_SCHEMA } from "../events/index.js";
import type { ContextSource } from "./assemble.js";
import { ProcessTable } from "./proctable.js";
import { newStats, type SensorStats } from "./stats.js";

export interface ProcPollerOptions {
  context: ContextSource;
  onEvent: (e: RuntimeEvent) => void;
  intervalMs?: number;
  procRoot?: string;
}

export interface Sock {
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  state: number;
  inode: string;
  family: "ipv4" | "ipv6";
}

export class ProcPoller {
  readonly stats: SensorStats = newStats("proc");
  private readonly table: ProcessTable;
  private known = new Set<number>();
  private sockets = new Set<string>();
  private timer?: NodeJS.Timeout;
  private first = true;

  constructor(private readonly o: ProcPollerOptions) {
    this.table = new ProcessTable(o.procRoot ?? "/proc");
  }

  async start(): Promise<void> {
    this.poll();
    this.timer = setInterval(() => this.poll(), this.o.intervalMs ?? 500);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }

  get done(): Promise<number | null> {
    return new Promise(() => undefined);
  }

  /** One poll: new pids → exec, vanished pids → exit, new TCP sockets → listen/connect. */
  poll(): void {
    const root = this.o.procRoot ?? "/proc";
    const now = new Set<number>();
    for (const name of safeList(root)) if (/^\d+$/.test(name)) now.add(Number(name));
    const fresh = [...now].filter((p) => !this.known.has(p) && p !== process.pid);
    for (const pid of this.known) if (!now.has(pid)) this.emitProcess("exit", pid);
    // Processes alive at start are the baseline, not events.
    if (!this.first) for (const pid of fresh) this.emitProcess("exec", pid);
    this.known = now;
    this.pollSockets(root, this.first);
    this.first = false;
    this.table.sweep();
  }

  private emitProcess(type: "exec" | "exit", pid: number): void {
    const base = this.base(pid);
    if (!base) return;
    if (type === "exit") this.table.exited(pid);
    this.deliver({ ...base, type });
  }

  private base(pid: number): EventBase | undefined {
    const e = this.table.get(pid);
    if (!e) return undefined;
    const ctx = this.o.context.resolve(pid, 0n);
    let uid = 0;
    let gid = 0;
    try {
      const st = readFileSync(join(this.o.procRoot ?? "/proc", String(pid), "status"), "utf8");
      uid = Number(/^Uid:\s+(\d+)/m.exec(st)?.[1] ?? 0);
      gid = Number(/^Gid:\s+(\d+)/m.exec(st)?.[1] ?? 0);
    } catch {
      // gone between polls
    }
    return {
      schema: RUNTIME_EVENT_SCHEMA,
      time: new Date().toISOString(),
      source: "proc",
      hostname: hostname(),
      process: {
        pid,
        ppid: e.ppid,
        name: e.name,
        exe: e.exe,
        ...(e.exePath ? { exePath: e.exePath } : {}),
        args: e.args,
        ...(e.cwd ? { cwd: e.cwd } : {}),
        uid,
        gid,
        tty: e.tty ?? 0,
        ancestors: this.table.ancestors(e.ppid),
      },
      container: ctx.container,
      ...(ctx.k8s ? { k8s: ctx.k8s } : {}),
    };
  }

  private pollSockets(root: string, baseline: boolean): void {
    const socks = [...readTcp(join(root, "net/tcp"), "ipv4"), ...readTcp(join(root, "net/tcp6"), "ipv6")];
    const next = new Set(socks.map((s) => s.inode));
    const fresh = socks.filter((s) => !this.sockets.has(s.inode) && s.inode !== "0");
    this.sockets = next;
    if (baseline || fresh.length === 0) return;
    const owners = socketOwners(root, new Set(fresh.map((s) => s.inode)));
    for (const s of fresh) {
      const pid = owners.get(s.inode);
      const base = pid ? this.base(pid) : undefined;
      if (!base) continue;
      if (s.state === 0x0a)
        this.deliver({ ...base, type: "listen", family: s.family, protocol: "tcp", local: s.local });
      else if (s.state === 0x01 || s.state === 0x02)
        this.deliver({
          ...base,
          type: "connect",
          family: s.family,
          protocol: "tcp",
          local: s.local,
          remote: s.remote,
        });
    }
  }

  private deliver(e: RuntimeEvent): void {
    this.stats.events++;
    this.o.onEvent(e);
  }
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

/** /proc/net/tcp{,6}: hex addresses in host byte order per 32-bit word. */
export function readTcp(path: string, family: "ipv4" | "ipv6"): Sock[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const out: Sock[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !f[1] || !f[2] || !f[3] || !f[9]) continue;
    const local = endpoint(f[1], family);
    const remote = endpoint(f[2], family);
    if (!local || !remote) continue;
    out.push({ local, remote, state: parseInt(f[3], 16), inode: f[9], family });
  }
  return out;
}

function endpoint(hex: string, family: "ipv4" | "ipv6"): { ip: string; port: number } | undefined {
  const [addr, port] = hex.split(":");
  if (!addr || !port) return undefined;
  const words = addr.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => parseInt(w.slice(i, i + 2), 16)));
  const ip = family === "ipv4" ? bytes.join(".") : ipv6(bytes);
  return { ip, port: parseInt(port, 16) };
}

function ipv6(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

/** inode → pid for the given socket inodes (one pass over /proc/PID/fd). */
function socketOwners(root: string, inodes: Set<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of safeList(root)) {
    if (!/^\d+$/.test(name)) continue;
    for (const fd of safeList(join(root, name, "fd"))) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(join(root, name, "fd", fd)));
        if (m?.[1] && inodes.has(m[1])) out.set(m[1], Number(name));
      } catch {
        // fd closed meanwhile
      }
    }
    if (out.size === inodes.size) break;
  }
  return out;
}
