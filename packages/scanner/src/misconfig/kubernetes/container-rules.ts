import { NIST, NSA } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { asArr, asObj, asStr, caps, inherited, type ContainerTarget } from "./objects.js";
import { capabilityRules } from "./capability-rules.js";
import { envRules, imageRules, probeRules, resourceRules } from "./workload-rules.js";

export { imageAllowed, parseImageRef } from "./image-ref.js";
export { REGISTRY_META } from "./workload-rules.js";

type ContainerRule = Rule<ContainerTarget, Path>;
const k8s = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "kubernetes" });
const scPath = (t: ContainerTarget, field: string): Path =>
  t.sc[field] !== undefined ? [...t.path, "securityContext", field] : t.path;

function seccompType(t: ContainerTarget): string | undefined {
  const set = inherited(t, "seccompProfile");
  const type = asStr(asObj(set?.value)?.type);
  if (type) return type;
  const ann = asObj(t.pod.meta.annotations) ?? {};
  const legacy =
    asStr(ann[`container.seccomp.security.alpha.kubernetes.io/${t.name}`]) ??
    asStr(ann["seccomp.security.alpha.kubernetes.io/pod"]);
  if (legacy === "runtime/default" || legacy === "docker/default") return "RuntimeDefault";
  if (legacy?.startsWith("localhost/")) return "Localhost";
  if (legacy === "unconfined") return "Unconfined";
  return undefined;
}

export function containerRules(allowedRegistries?: readonly string[]): ContainerRule[] {
  const rules: ContainerRule[] = [
    {
      meta: k8s({
        id: "BW-K8S-001",
        title: "Container runs privileged",
        severity: "HIGH",
        why: "A privileged container sees every host device and has all capabilities; escaping to the node is a matter of mounting its disk or loading a kernel module.",
        remediation:
          "Remove securityContext.privileged or set it to false; grant only the specific capability the workload needs.",
        mappings: mapIds({
          cisK8s: ["5.2.2"],
          cisDocker: ["5.4"],
          nsa: [NSA.podSecurity],
          nist: [NIST.ctrRuntimeConfig],
          trivy: ["KSV017"],
          kubescape: ["C-0057"],
          checkov: ["CKV_K8S_16"],
        }),
      }),
      check: (t, report) => {
        if (t.sc.privileged === true) report([...t.path, "securityContext", "privileged"]);
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-002",
        title: "Container allows privilege escalation",
        severity: "MEDIUM",
        why: "Without no_new_privs a process can gain privileges through setuid binaries or file capabilities, turning a foothold into root in the container. Kubernetes leaves it allowed unless allowPrivilegeEscalation is false, and always allows it for privileged containers or ones with CAP_SYS_ADMIN.",
        remediation:
          "Set securityContext.allowPrivilegeEscalation: false on every container (and do not combine it with privileged or SYS_ADMIN).",
        mappings: mapIds({
          cisK8s: ["5.2.6"],
          cisDocker: ["5.25"],
          nsa: [NSA.podSecurity],
          nist: [NIST.ctrRuntimeConfig],
          trivy: ["KSV001"],
          kubescape: ["C-0016"],
          checkov: ["CKV_K8S_20"],
        }),
      }),
      check: (t, report) => {
        const forced =
          t.sc.privileged === true || caps(t, "add").some((c) => c === "SYS_ADMIN" || c === "ALL");
        if (t.sc.allowPrivilegeEscalation !== false || forced)
          report(
            scPath(t, "allowPrivilegeEscalation"),
            forced ? "escalation is always allowed with privileged or SYS_ADMIN" : undefined,
          );
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-003",
        title: "Container may run as root",
        severity: "MEDIUM",
        why: "Root in the container is root on the node's kernel: any kernel or runtime bug, or a writable host mount, becomes a node compromise.",
        remediation:
          "Set runAsNonRoot: true and a non-zero runAsUser in the pod or container securityContext, and build the image with a non-root USER.",
        mappings: mapIds({
          cisK8s: ["5.2.7"],
          cisDocker: ["4.1"],
          nsa: [NSA.nonRoot],
          nist: [NIST.ctrRuntimeConfig],
          trivy: ["KSV012"],
          kubescape: ["C-0013"],
          checkov: ["CKV_K8S_23"],
        }),
      }),
      check: (t, report) => {
        const nonRoot = inherited(t, "runAsNonRoot");
        const user = inherited(t, "runAsUser");
        if (nonRoot?.value === true) return;
        if (typeof user?.value === "number" && user.value > 0) return;
        report(nonRoot?.path ?? t.path);
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-004",
        title: "Container runs with UID 0",
        severity: "HIGH",
        why: "runAsUser: 0 explicitly runs the process as root, overriding a non-root image user.",
        remediation:
          "Set runAsUser to a non-zero UID (for example 10001) or remove it and rely on a non-root image USER with runAsNonRoot: true.",
        mappings: mapIds({
          cisK8s: ["5.2.7"],
          nsa: [NSA.nonRoot],
          nist: [NIST.ctrRuntimeConfig],
          trivy: ["KSV105"],
          kubescape: ["C-0013"],
        }),
      }),
      check: (t, report) => {
        const user = inherited(t, "runAsUser");
        if (user?.value === 0) report(user.path);
      },
    },
    ...capabilityRules,
    {
      meta: k8s({
        id: "BW-K8S-009",
        title: "Container root filesystem is writable",
        severity: "LOW",
        why: "A writable root filesystem lets an attacker drop tools and persist modified binaries inside the running container.",
        remediation:
          "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes for the paths the application writes.",
        mappings: mapIds({
          cisDocker: ["5.12"],
          nsa: [NSA.immutableFs],
          nist: [NIST.ctrRuntimeConfig],
          trivy: ["KSV014"],
          kubescape: ["C-0017"],
          checkov: ["CKV_K8S_22"],
        }),
      }),
      check: (t, report) => {
        if (t.sc.readOnlyRootFilesystem !== true) report(scPath(t, "readOnlyRootFilesystem"));
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-015",
        title: "Container binds a host port",
        severity: "MEDIUM",
        why: "hostPort publishes the container on the node's own address, bypassing Services and NetworkPolicies and pinning the pod to nodes where the port is free.",
        remediation: "Remove ports[].hostPort and expose the container through a Service.",
        mappings: mapIds({
          cisK8s: ["5.2.13"],
          cisDocker: ["5.7"],
          nsa: [NSA.netpol],
          nist: [NIST.ctrNetwork],
          trivy: ["KSV024"],
          kubescape: ["C-0044"],
          checkov: ["CKV_K8S_26"],
        }),
      }),
      check: (t, report) => {
        for (const [i, p] of asArr(t.c.ports).entries()) {
          const hp = asObj(p)?.hostPort;
          if (typeof hp === "number" && hp !== 0)
            report([...t.path, "ports", i, "hostPort"], `hostPort ${hp}`);
        }
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-016",
        title: "Container runs without a seccomp profile",
        severity: "MEDIUM",
        why: "Without seccomp every system call is reachable, including the rarely used ones behind most kernel privilege-escalation exploits. Kubernetes runs pods Unconfined unless a profile is set.",
        remediation:
          "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile).",
        mappings: mapIds({
          cisK8s: ["5.7.2"],
          cisDocker: ["5.21"],
          nsa: [NSA.hardening],
          nist: [NIST.hostSharedKernel],
          trivy: ["KSV030", "KSV104"],
          kubescape: ["C-0055"],
          checkov: ["CKV_K8S_31"],
        }),
      }),
      check: (t, report) => {
        const type = seccompType(t);
        if (type !== "RuntimeDefault" && type !== "Localhost")
          report(
            inherited(t, "seccompProfile")?.path ?? t.path,
            type ? `seccomp profile ${type}` : undefined,
          );
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-017",
        title: "Container runs AppArmor unconfined",
        severity: "MEDIUM",
        why: "Disabling AppArmor removes the runtime's default profile that blocks writes to /proc and /sys and mount calls used in container escapes.",
        remediation:
          "Remove the Unconfined AppArmor setting (appArmorProfile or the container.apparmor.security.beta.kubernetes.io annotation) or use runtime/default.",
        mappings: mapIds({
          cisDocker: ["5.1"],
          nsa: [NSA.hardening],
          nist: [NIST.hostSharedKernel],
          trivy: ["KSV002"],
          kubescape: ["C-0055"],
        }),
      }),
      check: (t, report) => {
        const field = inherited(t, "appArmorProfile");
        if (asStr(asObj(field?.value)?.type) === "Unconfined") return report(field!.path);
        const key = `container.apparmor.security.beta.kubernetes.io/${t.name}`;
        if (asStr(asObj(t.pod.meta.annotations)?.[key]) === "unconfined")
          report([...t.pod.metaPath, "annotations", key]);
      },
    },
    ...resourceRules(),
    ...imageRules(allowedRegistries),
    ...envRules(),
    ...probeRules(),
    {
      meta: k8s({
        id: "BW-K8S-037",
        title: "Container unmasks /proc",
        severity: "HIGH",
        why: "procMount: Unmasked exposes /proc paths the runtime normally hides, leaking host information and kernel interfaces.",
        remediation: "Remove securityContext.procMount or set it to Default.",
        mappings: mapIds({ nsa: [NSA.podSecurity], nist: [NIST.ctrRuntimeConfig], trivy: ["KSV027"] }),
      }),
      check: (t, report) => {
        if (t.sc.procMount === "Unmasked") report([...t.path, "securityContext", "procMount"]);
      },
    },
  ];
  return rules;
}
