import { NIST, NSA } from "../frameworks.js";
import { parseImageRef } from "../kubernetes/image-ref.js";
import { asArr, asObj, asStr, inherited, type ContainerTarget } from "../kubernetes/objects.js";
import type { Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { meta } from "./define.js";

/** Container-level workload hygiene (Trivy KSV, Kubescape, Checkov equivalents). */
type ContainerRule = Rule<ContainerTarget, Path>;
const notEphemeral = (t: ContainerTarget): boolean => t.type !== "ephemeralContainers";
const SELINUX_TYPES = new Set([
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
]);
const words = (t: ContainerTarget): string[] =>
  [...asArr(t.c.command), ...asArr(t.c.args)].filter((w): w is string => typeof w === "string");

function idRange(
  id: string,
  field: "runAsUser" | "runAsGroup",
  trivy: string,
  checkov?: string,
): ContainerRule {
  const what = field === "runAsUser" ? "UID" : "GID";
  return {
    meta: meta({
      id,
      title: `Container runs with a low ${what} (below 10000)`,
      severity: "LOW",
      why: `${what}s below 10000 overlap the host's own users and groups; if the container escapes, it acts as that host account.`,
      remediation: `Set securityContext.${field} to a value of 10000 or more (for example 10001).`,
      trivy: [trivy],
      checkov: checkov ? [checkov] : [],
      nsa: NSA.nonRoot,
    }),
    check: (t, report) => {
      const set = inherited(t, field);
      // 0 is reported by the root checks; unset is "may run as root".
      if (typeof set?.value === "number" && set.value > 0 && set.value < 10000)
        report(set.path, `${field} ${set.value}`);
    },
  };
}

export const workloadContainerRules: ContainerRule[] = [
  {
    meta: meta({
      id: "BW-WL-001",
      title: "Windows container runs as a HostProcess",
      severity: "HIGH",
      why: "A HostProcess container runs directly on the Windows node with the node's network and file system: it is not isolated at all.",
      remediation:
        "Remove securityContext.windowsOptions.hostProcess, or keep it for node agents in a restricted namespace.",
      trivy: ["KSV103"],
    }),
    check: (t, report) => {
      const sc = asObj(t.sc.windowsOptions)?.hostProcess === true ? t.sc : t.podSc;
      if (asObj(sc.windowsOptions)?.hostProcess === true)
        report(sc === t.sc ? [...t.path, "securityContext", "windowsOptions", "hostProcess"] : t.path);
    },
  },
  {
    meta: meta({
      id: "BW-WL-002",
      title: "Container sets a custom SELinux type",
      severity: "MEDIUM",
      why: "A custom SELinux type (spc_t, unconfined_t …) can take the container out of the container_t confinement policy.",
      remediation: "Remove seLinuxOptions.type or use container_t / container_init_t / container_kvm_t.",
      cis: ["5.7.3"],
      trivy: ["KSV025"],
      kubescape: ["C-0055"],
    }),
    check: (t, report) => {
      const set = inherited(t, "seLinuxOptions");
      const type = asStr(asObj(set?.value)?.type);
      if (set && type !== undefined && !SELINUX_TYPES.has(type)) report(set.path, `type ${type}`);
    },
  },
  {
    meta: meta({
      id: "BW-WL-003",
      title: "Container sets a custom SELinux user or role",
      severity: "MEDIUM",
      why: "Pod Security forbids setting the SELinux user or role: a privileged role escapes the container policy.",
      remediation: "Remove seLinuxOptions.user and seLinuxOptions.role.",
      trivy: ["KSV025"],
    }),
    check: (t, report) => {
      const set = inherited(t, "seLinuxOptions");
      const o = asObj(set?.value);
      if (set && (o?.user !== undefined || o?.role !== undefined)) report(set.path);
    },
  },
  {
    meta: meta({
      id: "BW-WL-004",
      title: "Container runs sudo",
      severity: "MEDIUM",
      why: "sudo in a container's command means a setuid helper and a sudoers rule that a compromised process can use to become root.",
      remediation: "Run the container as the user it needs, without sudo; remove sudo from the image.",
      kubescape: ["C-0062"],
      nsa: NSA.nonRoot,
    }),
    check: (t, report) => {
      const w = words(t);
      const i = w.findIndex((x) => /(^|\/)sudo$/.test(x) || /(^|[;&|]\s*|^\s*)sudo\s/.test(x));
      if (i >= 0) report(t.path, "sudo in command");
    },
  },
  {
    meta: meta({
      id: "BW-WL-005",
      title: "Mutable image tag without imagePullPolicy Always",
      severity: "LOW",
      why: "With a tag that can be re-pointed and IfNotPresent, nodes keep running whatever version they pulled first, so pods of one workload run different code and a fixed image never arrives.",
      remediation: "Pin the image by digest, or set imagePullPolicy: Always.",
      checkov: ["CKV_K8S_15"],
      nist: NIST.untrustedImages,
      nsa: NSA.secureImages,
    }),
    check: (t, report) => {
      const image = asStr(t.c.image);
      if (!image || parseImageRef(image).digest) return;
      const policy = asStr(t.c.imagePullPolicy);
      // Kubernetes defaults to Always for :latest or no tag; any other tag defaults to IfNotPresent.
      const tag = parseImageRef(image).tag;
      const effective = policy ?? (!tag || tag === "latest" ? "Always" : "IfNotPresent");
      if (effective !== "Always")
        report(policy ? [...t.path, "imagePullPolicy"] : [...t.path, "image"], `${image} with ${effective}`);
    },
  },
  idRange("BW-WL-006", "runAsUser", "KSV020", "CKV_K8S_40"),
  idRange("BW-WL-007", "runAsGroup", "KSV021"),
  {
    meta: meta({
      id: "BW-WL-008",
      title: "Container listens on a privileged port",
      severity: "LOW",
      why: "Ports below 1024 need CAP_NET_BIND_SERVICE or root inside the container; moving the app to a high port lets it run without either.",
      remediation: "Listen on a port of 1024 or more and map it in the Service (port: 80, targetPort: 8080).",
      nsa: NSA.hardening,
    }),
    appliesTo: notEphemeral,
    check: (t, report) => {
      for (const [i, raw] of asArr(t.c.ports).entries()) {
        const port = asObj(raw)?.containerPort;
        if (typeof port === "number" && port > 0 && port < 1024)
          report([...t.path, "ports", i, "containerPort"], `containerPort ${port}`);
      }
    },
  },
  {
    meta: meta({
      id: "BW-WL-009",
      title: "Container has no ephemeral-storage limit",
      severity: "LOW",
      why: "Without an ephemeral-storage limit a container can fill the node's disk with logs or temp files and get every pod on the node evicted.",
      remediation: "Set resources.limits.ephemeral-storage.",
      nsa: NSA.resources,
      nist: NIST.orchMixing,
    }),
    appliesTo: notEphemeral,
    check: (t, report) => {
      if (asObj(asObj(t.c.resources)?.limits)?.["ephemeral-storage"] === undefined)
        report([...t.path, "resources", "limits"]);
    },
  },
  {
    meta: meta({
      id: "BW-WL-010",
      title: "Container has no ephemeral-storage request",
      severity: "LOW",
      why: "Without an ephemeral-storage request the scheduler places pods on nodes whose disk cannot hold them, and they are evicted first under disk pressure.",
      remediation: "Set resources.requests.ephemeral-storage.",
      nsa: NSA.resources,
      nist: NIST.orchMixing,
    }),
    appliesTo: notEphemeral,
    check: (t, report) => {
      if (asObj(asObj(t.c.resources)?.requests)?.["ephemeral-storage"] === undefined)
        report([...t.path, "resources", "requests"]);
    },
  },
  {
    meta: meta({
      id: "BW-WL-011",
      title: "Container mounts a hostPath volume writable",
      severity: "HIGH",
      why: "A writable host directory lets the container plant files the node or other pods execute (cron, systemd units, kubelet plugins).",
      remediation: "Mount hostPath volumes with readOnly: true, or avoid hostPath.",
      kubescape: ["C-0045"],
    }),
    check: (t, report) => {
      const hostVolumes = new Set(
        asArr(t.pod.spec.volumes)
          .map(asObj)
          .filter((v) => v?.hostPath !== undefined)
          .map((v) => asStr(v?.name)),
      );
      for (const [i, raw] of asArr(t.c.volumeMounts).entries()) {
        const m = asObj(raw);
        if (m && hostVolumes.has(asStr(m.name)) && m.readOnly !== true)
          report([...t.path, "volumeMounts", i], `${asStr(m.name)} at ${asStr(m.mountPath)}`);
      }
    },
  },
];
