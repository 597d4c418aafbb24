/**
 * What a container's processes may do, for prioritisation: whether one runs as root
 * (effective uid 0 in `/proc/PID/status`), the capabilities it actually holds (`CapEff`,
 * what the kernel checks, rather than the bounding set the config asked for), and the host
 * paths bind-mounted into it (from its OCI config: a mount whose source is an absolute
 * host path; proc, sysfs, tmpfs and the like name no host directory).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerInfo } from "../events/index.js";
import { capabilityNames } from "../sensor/names.js";

/** The `privilege` evidence of one image: `RuntimeContext.privilege` of @bulwark/prioritize. */
export interface PrivilegeEvidence {
  root: boolean;
  privileged: boolean;
  capabilities: string[];
  hostMounts: string[];
}

export interface ProcessPrivilege {
  root: boolean;
  capabilities: string[];
}

/** Effective uid and capabilities of one process; undefined when it is gone or unreadable. */
export function processPrivilege(procDir: string): ProcessPrivilege | undefined {
  let status: string;
  try {
    status = readFileSync(join(procDir, "status"), "utf8");
  } catch {
    return undefined;
  }
  return parseStatus(status);
}

/** `Uid:` real, effective, saved, fs; `CapEff:` 64-bit hex mask. Exported for property tests. */
export function parseStatus(status: string): ProcessPrivilege | undefined {
  const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1];
  const cap = /^CapEff:\s*([0-9a-fA-F]{1,16})$/m.exec(status)?.[1];
  if (uid === undefined || cap === undefined) return undefined;
  const mask = BigInt(`0x${cap}`);
  return {
    root: uid === "0",
    capabilities: capabilityNames(Number(mask & 0xffffffffn), Number(mask >> 32n)),
  };
}

/** Bind mounts from the host (absolute source paths), as "source:destination". */
export function hostMounts(c: ContainerInfo): string[] {
  return (c.mounts ?? []).filter((m) => m.source.startsWith("/")).map((m) => `${m.source}:${m.destination}`);
}

/** Accumulates every process's privilege of one image over a window. */
export class PrivilegeAccumulator {
  private root = false;
  private privileged = false;
  private readonly caps = new Set<string>();
  private readonly mounts = new Set<string>();

  add(p: ProcessPrivilege | undefined, c: ContainerInfo): void {
    if (p) {
      this.root ||= p.root;
      for (const cap of p.capabilities) this.caps.add(cap);
      // Privileged means the full set of powers, whichever way the runtime granted them.
      this.privileged ||= p.capabilities.includes("CAP_SYS_ADMIN");
    } else if (c.privileged) this.privileged = true; // unreadable status: the config's word
    for (const m of hostMounts(c)) this.mounts.add(m);
  }

  get value(): PrivilegeEvidence {
    return {
      root: this.root,
      privileged: this.privileged,
      capabilities: [...this.caps].sort(),
      hostMounts: [...this.mounts].sort(),
    };
  }
}
