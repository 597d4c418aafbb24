import type { LayerAnalysis } from "@bulwark/model";
import { NIST, NSA } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import { misconfigFsAnalyzer, type FsFact } from "./fs-analyzer.js";

export interface FsAt {
  file: string;
  line: number;
}
type FsRule = Rule<FsFact[], FsAt>;
const img = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "image" });

/**
 * The facts that hold in the image's final filesystem: a later layer's whiteout, opaque
 * directory or replacement of the same path cancels what an earlier layer said about it.
 */
export function finalFacts(layers: readonly LayerAnalysis[]): FsFact[] {
  const state = new Map<string, FsFact[]>();
  const dropUnder = (dir: string): void => {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    for (const key of [...state.keys()]) if (key.startsWith(prefix)) state.delete(key);
  };
  for (const layer of layers) {
    for (const w of layer.whiteouts) {
      state.delete(w);
      dropUnder(w);
    }
    for (const d of layer.opaqueDirs) dropUnder(d);
    for (const p of layer.paths) state.delete(p);
    for (const r of layer.results) {
      if (r.analyzer !== misconfigFsAnalyzer.name) continue;
      for (const f of r.output.fsFacts ?? []) {
        const list = state.get(f.path) ?? [];
        list.push(f);
        state.set(f.path, list);
      }
    }
  }
  return [...state.values()].flat();
}

const facts = <T extends FsFact["type"]>(all: FsFact[], type: T): Extract<FsFact, { type: T }>[] =>
  all.filter((f): f is Extract<FsFact, { type: T }> => f.type === type);

export const imageFsRules: FsRule[] = [
  {
    meta: img({
      id: "BW-IMG-010",
      title: "setuid or setgid binary in the image",
      severity: "LOW",
      why: "Each setuid/setgid binary is a privilege-escalation point for a process that already runs in the container; most images need none of them.",
      remediation:
        "Remove the bit in the final stage (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`) or run with allowPrivilegeEscalation: false.",
      mappings: mapIds({ cisDocker: ["4.8"], nsa: [NSA.secureImages], nist: [NIST.imageConfig] }),
    }),
    check: (all, report) => {
      for (const f of facts(all, "setuid"))
        report({ file: f.path, line: 1 }, `mode ${(f.mode & 0o7777).toString(8).padStart(4, "0")}`);
    },
  },
  {
    meta: img({
      id: "BW-IMG-011",
      title: "World-writable file or directory in the image",
      severity: "MEDIUM",
      why: "Any user in the container can replace a world-writable file, e.g. a script or library a root process later runs.",
      remediation:
        "Remove the world-write bit (chmod o-w) in the Dockerfile; use a sticky bit for shared directories.",
      mappings: mapIds({ nsa: [NSA.immutableFs], nist: [NIST.imageConfig] }),
    }),
    check: (all, report) => {
      for (const f of facts(all, "world-writable"))
        report({ file: f.path, line: 1 }, `mode ${(f.mode & 0o7777).toString(8).padStart(4, "0")}`);
    },
  },
  {
    meta: img({
      id: "BW-IMG-012",
      title: "SSH server installed in the image",
      severity: "MEDIUM",
      why: "An SSH daemon in a container is a remote login service outside the orchestrator's access control and audit.",
      remediation: "Remove the SSH server package from the image; use exec for debugging.",
      mappings: mapIds({ cisDocker: ["5.6"], nist: [NIST.imageConfig], kubescape: ["C-0042"] }),
    }),
    check: (all, report) => {
      for (const f of facts(all, "sshd")) report({ file: f.path, line: 1 });
    },
  },
  {
    meta: img({
      id: "BW-IMG-013",
      title: "Account with an empty password",
      severity: "HIGH",
      why: "An account with an empty password field in /etc/shadow can log in (su, SSH, console) without any password.",
      remediation: "Lock the account (`passwd -l <user>` or set the field to `!` or `*`) in the Dockerfile.",
      mappings: mapIds({ cisDocker: ["4.10"], nist: [NIST.imageConfig] }),
    }),
    check: (all, report) => {
      for (const f of facts(all, "shadow"))
        for (const a of f.empty) report({ file: f.path, line: a.line }, `account ${a.name}`);
    },
  },
  {
    meta: img({
      id: "BW-IMG-014",
      title: "Additional account with UID 0",
      severity: "HIGH",
      why: "A second UID 0 account is a root login under another name, a classic backdoor.",
      remediation: "Remove the account or give it a unique non-zero UID.",
      mappings: mapIds({ cisDocker: ["4.1"], nist: [NIST.imageConfig] }),
    }),
    check: (all, report) => {
      for (const f of facts(all, "passwd"))
        for (const a of f.uid0)
          if (a.name !== "root") report({ file: f.path, line: a.line }, `account ${a.name} has UID 0`);
    },
  },
];
