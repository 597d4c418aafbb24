import { NIST, NSA } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { caps, type ContainerTarget } from "./objects.js";

/** Linux capability checks (drop ALL, SYS_ADMIN, NET_RAW, non-default additions). */
type ContainerRule = Rule<ContainerTarget, Path>;
const k8s = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "kubernetes" });

/** Capabilities the container runtime grants by default (the PSS baseline allow-list). */
const DEFAULT_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
  "NET_RAW",
]);
export const capabilityRules: ContainerRule[] = [
  {
    meta: k8s({
      id: "BW-K8S-005",
      title: "Container does not drop all capabilities",
      severity: "LOW",
      why: "The runtime's default capability set (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, …) lets a compromised process bypass file permissions and craft packets.",
      remediation:
        'Set securityContext.capabilities.drop: ["ALL"] and add back only what is needed (usually nothing, or NET_BIND_SERVICE).',
      mappings: mapIds({
        cisK8s: ["5.2.10"],
        cisDocker: ["5.3"],
        nsa: [NSA.hardening],
        nist: [NIST.ctrRuntimeConfig],
        trivy: ["KSV003"],
        kubescape: ["C-0046"],
        checkov: ["CKV_K8S_37"],
      }),
    }),
    check: (t, report) => {
      if (!caps(t, "drop").includes("ALL")) report([...t.path, "securityContext", "capabilities"]);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-006",
      title: "Container adds CAP_SYS_ADMIN",
      severity: "HIGH",
      why: "SYS_ADMIN allows mount, namespace and many kernel administration calls; with it, known container escapes (cgroup release_agent, mounting host filesystems) become possible.",
      remediation: "Remove SYS_ADMIN (and ALL) from securityContext.capabilities.add.",
      mappings: mapIds({
        cisK8s: ["5.2.9"],
        cisDocker: ["5.3"],
        nsa: [NSA.podSecurity],
        nist: [NIST.ctrRuntimeConfig],
        trivy: ["KSV005"],
        kubescape: ["C-0046"],
        checkov: ["CKV_K8S_39"],
      }),
    }),
    check: (t, report) => {
      if (caps(t, "add").some((c) => c === "SYS_ADMIN" || c === "ALL"))
        report([...t.path, "securityContext", "capabilities", "add"]);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-007",
      title: "Container keeps CAP_NET_RAW",
      severity: "MEDIUM",
      why: "NET_RAW lets a process forge packets on the pod network (ARP and DNS spoofing of neighbouring pods) and is part of the runtime's default set.",
      remediation: "Drop NET_RAW (or ALL) in securityContext.capabilities.drop and do not add it back.",
      mappings: mapIds({
        cisK8s: ["5.2.8"],
        cisDocker: ["5.3"],
        nsa: [NSA.hardening],
        nist: [NIST.ctrNetwork],
        checkov: ["CKV_K8S_28"],
      }),
    }),
    check: (t, report) => {
      const add = caps(t, "add");
      const drop = caps(t, "drop");
      if (
        add.includes("NET_RAW") ||
        add.includes("ALL") ||
        !(drop.includes("ALL") || drop.includes("NET_RAW"))
      )
        report([...t.path, "securityContext", "capabilities"]);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-008",
      title: "Container adds a non-default capability",
      severity: "MEDIUM",
      why: "Capabilities beyond the runtime default (SYS_PTRACE, SYS_MODULE, NET_ADMIN, DAC_READ_SEARCH, BPF, …) each open a known path to reading other processes' memory, loading kernel code or reconfiguring the node network.",
      remediation:
        "Remove the capability from securityContext.capabilities.add; if it is truly needed, isolate the workload on dedicated nodes.",
      mappings: mapIds({
        cisK8s: ["5.2.9"],
        cisDocker: ["5.3"],
        nsa: [NSA.podSecurity],
        nist: [NIST.ctrRuntimeConfig],
        trivy: ["KSV022"],
        kubescape: ["C-0046"],
        checkov: ["CKV_K8S_25"],
      }),
    }),
    check: (t, report) => {
      const extra = caps(t, "add").filter(
        (c) => c !== "SYS_ADMIN" && c !== "NET_RAW" && !DEFAULT_CAPS.has(c),
      );
      if (extra.length)
        report([...t.path, "securityContext", "capabilities", "add"], `adds ${extra.join(", ")}`);
    },
  },
];
