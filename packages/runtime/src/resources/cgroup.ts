/**
 * Where a process's cgroup files are, on cgroup v1, v2 or a hybrid of both (this machine:
 * v1 controllers plus a v2 "unified" tree): /proc/<pid>/cgroup gives the path per hierarchy,
 * /proc/self/mountinfo where each hierarchy is mounted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface CgroupDirs {
  /** v1 controller name → directory (cpuacct, memory, pids, blkio, …). */
  v1: Map<string, string>;
  /** The v2 directory, when the process is in a v2 (unified) hierarchy. */
  v2?: string;
}

/** Mount points of cgroup hierarchies: v1 by controller, and the v2 root. */
export function cgroupMounts(mountinfo: string): { v1: Map<string, string>; v2?: string } {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of mountinfo.split("\n")) {
    const [pre, post] = line.split(" - ");
    if (!pre || !post) continue;
    const mountPoint = pre.split(" ")[4];
    const [fstype, , superOptions = ""] = post.split(" ");
    if (!mountPoint) continue;
    if (fstype === "cgroup2") v2 ??= mountPoint;
    else if (fstype === "cgroup")
      for (const opt of superOptions.split(","))
        if (!["rw", "ro"].includes(opt) && !opt.includes("=")) v1.set(opt, mountPoint);
  }
  return { v1, v2 };
}

/** `/proc/<pid>/cgroup` lines (`id:controllers:path`) resolved against the mounts. */
export function cgroupDirsOf(procCgroup: string, mounts: ReturnType<typeof cgroupMounts>): CgroupDirs {
  const dirs: CgroupDirs = { v1: new Map() };
  for (const line of procCgroup.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, id, controllers, path] = m as unknown as [string, string, string, string];
    if (id === "0" && controllers === "") {
      if (mounts.v2) dirs.v2 = join(mounts.v2, path);
      continue;
    }
    for (const c of controllers.split(",")) {
      const mount = mounts.v1.get(c);
      if (mount) dirs.v1.set(c, join(mount, path));
    }
  }
  return dirs;
}

export function cgroupDirsOfPid(pid: number): CgroupDirs | undefined {
  try {
    return cgroupDirsOf(
      readFileSync(`/proc/${pid}/cgroup`, "utf8"),
      cgroupMounts(readFileSync("/proc/self/mountinfo", "utf8")),
    );
  } catch {
    return undefined;
  }
}
