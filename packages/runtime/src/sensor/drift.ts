/**
 * Drift: a program a container runs from its writable upper layer was written (or changed)
 * after the container started — it is not what the image shipped. Overlay-backed runtimes
 * (runc bundles on overlayfs, containerd, Docker, CRI-O) show it the same way: the file exists
 * under the root mount's `upperdir`. Its sha256 goes with the alert.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readlinkSync } from "node:fs";

/** upperdir of the root mount a pid sees; null when that root is not overlayfs; undefined when the pid is gone. */
export function rootUpperDir(pid: number): string | null | undefined {
  let info: string;
  try {
    info = readFileSync(`/proc/${pid}/mountinfo`, "utf8");
  } catch {
    return undefined;
  }
  for (const line of info.split("\n")) {
    const [pre, post] = line.split(" - ");
    if (!pre || !post || pre.split(" ")[4] !== "/") continue;
    const [fstype, , superOptions] = post.split(" ");
    if (fstype !== "overlay") continue;
    const upper = superOptions?.split(",").find((o) => o.startsWith("upperdir="));
    if (upper) return upper.slice("upperdir=".length).replace(/\\040/g, " ");
  }
  return null;
}

export interface Drift {
  upperLayer: boolean;
  sha256?: string;
}

/** Looks up once per container (the upperdir does not change); hashes only drifted files. */
export class DriftCheck {
  private readonly upperByContainer = new Map<string, string | null>();

  /**
   * `pids`: the process, then its ancestors — a dropped program often exits before the agent
   * reads its event, and any process in the same mount namespace (`mntns`, the event's) shows
   * the same root mount. Ancestors outside it (the runtime, on the host) are skipped.
   */
  check(pids: number[], mntns: number, containerId: string, exePath: string | undefined): Drift | undefined {
    if (containerId === "host" || !exePath?.startsWith("/")) return undefined;
    let upper = this.upperByContainer.get(containerId);
    if (upper === undefined) {
      for (const pid of pids.filter((p) => mountNamespaceOf(p) === mntns))
        if ((upper = rootUpperDir(pid)) !== undefined) break;
      if (upper === undefined) return undefined; // all gone: try again with the next exec
      if (this.upperByContainer.size > 10_000) this.upperByContainer.clear();
      this.upperByContainer.set(containerId, upper);
    }
    if (upper === null) return undefined;
    const pid = pids[0]!;
    if (!existsSync(`${upper}${exePath}`)) return { upperLayer: false };
    return { upperLayer: true, sha256: hashOf(`/proc/${pid}/exe`) ?? hashOf(`${upper}${exePath}`) };
  }
}

function mountNamespaceOf(pid: number): number | undefined {
  try {
    const m = /^mnt:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/mnt`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function hashOf(path: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined;
  }
}
