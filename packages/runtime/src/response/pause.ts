/**
 * Pause a container: freeze its cgroup. Where a cgroup v1 freezer hierarchy is mounted the
 * container's freezer.state is set to FROZEN — that is the file runc reads, so `runc state`
 * says "paused" and `runc resume` thaws it; otherwise cgroup v2's cgroup.freeze is set to 1.
 * The cgroup frozen must be the container's own (its path names the container id), never the
 * agent's or a parent's.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { cgroupDirsOfPid, type CgroupDirs } from "../resources/cgroup.js";
import { checkTarget, segmentNames } from "./target.js";
import { containerLabel, outcome, type ResponseAction } from "./types.js";

interface Freezer {
  dir: string;
  file: string;
  on: string;
  off: string;
  /** Whether the freeze has completed (every task stopped). */
  frozen(): boolean;
}

const read = (f: string): string => {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return "";
  }
};

/** The container's freezer: v1 when the process sits in a v1 freezer cgroup, else v2. */
export function freezerOf(dirs: CgroupDirs, containerId: string): Freezer | undefined {
  const v1 = dirs.v1.get("freezer");
  if (v1 && segmentNames(basename(v1), containerId) && existsSync(join(v1, "freezer.state"))) {
    const file = join(v1, "freezer.state");
    return { dir: v1, file, on: "FROZEN", off: "THAWED", frozen: () => read(file).trim() === "FROZEN" };
  }
  const v2 = dirs.v2;
  if (v2 && segmentNames(basename(v2), containerId) && existsSync(join(v2, "cgroup.freeze"))) {
    const events = join(v2, "cgroup.events");
    return {
      dir: v2,
      file: join(v2, "cgroup.freeze"),
      on: "1",
      off: "0",
      frozen: () => /^frozen 1$/m.test(read(events)),
    };
  }
  return undefined;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    if (check()) return true;
    if (Date.now() > end) return false;
  }
}

export const pause: ResponseAction = {
  name: "pause",
  scope: "container",
  hostCapable: false,
  describe: (t) => `pause ${containerLabel(t)}`,
  async run(t) {
    const check = checkTarget(t, { host: false });
    if (!check.ok)
      return outcome("pause", "refused", t, `did not pause ${containerLabel(t)}: ${check.reason}`);
    const dirs = cgroupDirsOfPid(t.pid);
    const f = dirs && freezerOf(dirs, t.containerId);
    if (!f)
      return outcome(
        "pause",
        "failed",
        t,
        `did not pause ${containerLabel(t)}: no freezer cgroup of its own found`,
      );
    const own = cgroupDirsOfPid(process.pid);
    if (own && (own.v1.get("freezer") === f.dir || own.v2 === f.dir))
      return outcome(
        "pause",
        "refused",
        t,
        `did not pause ${containerLabel(t)}: it shares the agent's cgroup`,
      );
    try {
      writeFileSync(f.file, f.on);
    } catch (err) {
      return outcome("pause", "failed", t, `pause of ${containerLabel(t)} failed: ${(err as Error).message}`);
    }
    // Freezing is asynchronous (each task stops at its next kernel exit); say which it is.
    const done = await until(f.frozen, 5000);
    return outcome(
      "pause",
      "taken",
      t,
      `paused ${containerLabel(t)} (${f.file} = ${f.on}${done ? "" : ", still freezing"})`,
    );
  },
};

/** Undo a pause (for people and tests; `runc resume` does the same for runc containers). */
export function thaw(pid: number, containerId: string): boolean {
  const dirs = cgroupDirsOfPid(pid);
  const f = dirs && freezerOf(dirs, containerId);
  if (!f) return false;
  writeFileSync(f.file, f.off);
  return true;
}
