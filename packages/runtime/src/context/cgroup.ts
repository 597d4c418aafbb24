/**
 * pid / cgroup id → cgroup v2 path. The sensor reports the cgroup v2 id (the inode of the
 * cgroup directory, bpf_get_current_cgroup_id), which still names the cgroup after the
 * process is gone; /proc/PID/cgroup is the fallback while the process lives.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Mount point of the cgroup v2 hierarchy (`/sys/fs/cgroup` or the hybrid `/sys/fs/cgroup/unified`). */
export function findCgroup2Mount(mountinfo = safeRead("/proc/self/mountinfo")): string | undefined {
  for (const line of mountinfo.split("\n")) {
    const [pre, post] = line.split(" - ");
    if (!pre || !post || !post.startsWith("cgroup2 ")) continue;
    const mountPoint = pre.split(" ")[4];
    if (mountPoint) return mountPoint.replace(/\\040/g, " ");
  }
  return undefined;
}

/** The v2 path ("0::/path") of a live process, or undefined. */
export function cgroupPathOfPid(pid: number, procRoot = "/proc"): string | undefined {
  const text = safeRead(join(procRoot, String(pid), "cgroup"));
  for (const line of text.split("\n")) if (line.startsWith("0::")) return line.slice(3) || "/";
  return undefined;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * cgroup id → path, from a walk of the v2 hierarchy. A miss rescans at most every
 * `rescanMs`, so a burst of events from an unknown cgroup costs one walk, not one each.
 */
export class CgroupIndex {
  private byId = new Map<bigint, string>();
  private lastScan = 0;

  constructor(
    private readonly mount: string | undefined,
    private readonly rescanMs = 250,
    private readonly now = () => Date.now(),
  ) {}

  pathOf(id: bigint): string | undefined {
    const hit = this.byId.get(id);
    if (hit !== undefined || !this.mount) return hit;
    if (this.now() - this.lastScan < this.rescanMs) return undefined;
    this.rescan();
    return this.byId.get(id);
  }

  private rescan(): void {
    this.lastScan = this.now();
    const next = new Map<bigint, string>();
    const walk = (rel: string, depth: number): void => {
      const abs = join(this.mount as string, rel);
      try {
        next.set(BigInt(statSync(abs, { bigint: true }).ino), rel || "/");
        if (depth > 12) return;
        for (const e of readdirSync(abs, { withFileTypes: true }))
          if (e.isDirectory()) walk(`${rel}/${e.name}`, depth + 1);
      } catch {
        // a cgroup removed during the walk
      }
    };
    walk("", 0);
    this.byId = next;
  }
}
