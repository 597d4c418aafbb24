import { NIST, NSA } from "../frameworks.js";
import { isSecretName, looksLikePlaceholder, mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { asArr, asObj, asStr, caps, inherited, LONG_RUNNING, type ContainerTarget } from "./objects.js";

type ContainerRule = Rule<ContainerTarget, Path>;
const k8s = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "kubernetes" });
const scPath = (t: ContainerTarget, field: string): Path =>
  t.sc[field] !== undefined ? [...t.path, "securityContext", field] : t.path;

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
const notEphemeral = (t: ContainerTarget): boolean => t.type !== "ephemeralContainers";

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

/** Parses an image reference into registry, tag and digest (Docker Hub when no registry). */
export function parseImageRef(ref: string): {
  registry: string;
  repo: string;
  tag?: string;
  digest?: string;
} {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split("/")[0] ?? "";
  const hasRegistry =
    rest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasRegistry ? first : "docker.io",
    repo: hasRegistry ? rest.slice(first.length + 1) : rest,
    tag,
    digest,
  };
}

export function imageAllowed(ref: string, allowed: readonly string[]): boolean {
  const { registry, repo } = parseImageRef(ref);
  const full = `${registry}/${repo}`;
  return allowed.some((a) => {
    const p = a.replace(/\/+$/, "");
    return registry === p || full === p || full.startsWith(`${p}/`);
  });
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
      appliesTo: notEphemeral,
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
      appliesTo: notEphemeral,
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
      appliesTo: notEphemeral,
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

function resourceRules(): ContainerRule[] {
  const limit = (
    id: string,
    res: "cpu" | "memory",
    trivy: string,
    checkov: string,
    kubescape: string,
  ): ContainerRule => ({
    meta: k8s({
      id,
      title: `Container has no ${res} limit`,
      severity: "LOW",
      why: `Without a ${res} limit one compromised or runaway container can starve every other pod on the node (denial of service).`,
      remediation: `Set resources.limits.${res} on the container (or a LimitRange default in the namespace).`,
      mappings: mapIds({
        cisDocker: [res === "cpu" ? "5.11" : "5.10"],
        nsa: [NSA.resources],
        nist: [NIST.orchMixing],
        trivy: [trivy],
        kubescape: [kubescape],
        checkov: [checkov],
      }),
    }),
    appliesTo: notEphemeral,
    check: (t, report) => {
      if (asObj(asObj(t.c.resources)?.limits)?.[res] === undefined)
        report([...t.path, "resources", "limits"]);
    },
  });
  return [
    limit("BW-K8S-018", "cpu", "KSV011", "CKV_K8S_11", "C-0050"),
    limit("BW-K8S-019", "memory", "KSV018", "CKV_K8S_13", "C-0004"),
    {
      meta: k8s({
        id: "BW-K8S-020",
        title: "Container has no CPU or memory request",
        severity: "LOW",
        why: "Without requests the scheduler cannot reserve capacity, so nodes are overcommitted and noisy or hostile neighbours can evict the workload.",
        remediation: "Set resources.requests.cpu and resources.requests.memory on the container.",
        mappings: mapIds({
          nsa: [NSA.resources],
          nist: [NIST.orchMixing],
          trivy: ["KSV015", "KSV016"],
          checkov: ["CKV_K8S_10", "CKV_K8S_12"],
        }),
      }),
      appliesTo: notEphemeral,
      check: (t, report) => {
        const req = asObj(asObj(t.c.resources)?.requests);
        const missing = ["cpu", "memory"].filter((r) => req?.[r] === undefined);
        if (missing.length)
          report([...t.path, "resources", "requests"], `no ${missing.join(" or ")} request`);
      },
    },
  ];
}

function imageRules(allowedRegistries?: readonly string[]): ContainerRule[] {
  const rules: ContainerRule[] = [
    {
      meta: k8s({
        id: "BW-K8S-021",
        title: "Image uses the latest tag or no tag",
        severity: "MEDIUM",
        why: "A moving tag means the code that runs changes without a manifest change: a poisoned or broken push reaches production on the next restart and the deployment cannot be reproduced.",
        remediation:
          "Reference a specific version tag, ideally with its digest (image: repo:1.2.3@sha256:…).",
        mappings: mapIds({
          cisDocker: ["4.2"],
          nsa: [NSA.secureImages],
          nist: [NIST.untrustedImages],
          trivy: ["KSV013"],
          checkov: ["CKV_K8S_14"],
        }),
      }),
      check: (t, report) => {
        const image = asStr(t.c.image);
        if (!image) return;
        const ref = parseImageRef(image);
        if (!ref.digest && (!ref.tag || ref.tag === "latest")) report([...t.path, "image"], `image ${image}`);
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-022",
        title: "Image is not pinned by digest",
        severity: "LOW",
        why: "Tags can be re-pointed in the registry; only a digest guarantees the bytes that were reviewed and scanned are the bytes that run.",
        remediation: "Append the manifest digest: image: repo:1.2.3@sha256:<digest>.",
        mappings: mapIds({ nsa: [NSA.secureImages], nist: [NIST.untrustedImages], checkov: ["CKV_K8S_43"] }),
      }),
      check: (t, report) => {
        const image = asStr(t.c.image);
        if (image && !parseImageRef(image).digest) report([...t.path, "image"], `image ${image}`);
      },
    },
  ];
  if (allowedRegistries?.length) {
    rules.push({
      meta: REGISTRY_META,
      check: (t, report) => {
        const image = asStr(t.c.image);
        if (image && !imageAllowed(image, allowedRegistries))
          report([...t.path, "image"], `image ${image} is not from ${allowedRegistries.join(", ")}`);
      },
    });
  }
  return rules;
}

export const REGISTRY_META: CheckMeta = k8s({
  id: "BW-K8S-023",
  title: "Image comes from a registry outside the allowed list",
  severity: "MEDIUM",
  why: "Images from unvetted registries bypass the organisation's scanning and signing, and typosquatted public images are a known malware channel. (Runs only with --allowed-registries.)",
  remediation: "Mirror the image into an allowed registry and reference it there.",
  mappings: mapIds({ nsa: [NSA.secureImages], nist: [NIST.untrustedImages], kubescape: ["C-0078"] }),
});

function envRules(): ContainerRule[] {
  return [
    {
      meta: k8s({
        id: "BW-K8S-027",
        title: "Secret-looking value written literally in env",
        severity: "HIGH",
        why: "A credential in the manifest is readable by anyone with access to the repository, the rendered chart or `get pods`, and stays in version history.",
        remediation:
          "Move the value into a Secret (ideally an external secret store) and mount it as a file, or reference it with valueFrom.secretKeyRef.",
        mappings: mapIds({
          cisK8s: ["5.4.1"],
          cisDocker: ["4.10"],
          nsa: [NSA.secrets],
          nist: [NIST.imageSecrets],
          kubescape: ["C-0012"],
        }),
      }),
      check: (t, report) => {
        for (const [i, e] of asArr(t.c.env).entries()) {
          const env = asObj(e);
          const name = asStr(env?.name);
          const value = env?.value;
          if (name && isSecretName(name) && typeof value === "string" && !looksLikePlaceholder(value))
            report([...t.path, "env", i, "value"], `env ${name}`);
        }
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-029",
        title: "Secret exposed to the container as an environment variable",
        severity: "LOW",
        why: "Environment variables leak into crash dumps, child processes, logs and `/proc/<pid>/environ`; secrets mounted as files do not.",
        remediation:
          "Mount the Secret as a volume and read it from a file instead of env[].valueFrom.secretKeyRef or envFrom.secretRef.",
        mappings: mapIds({
          cisK8s: ["5.4.1"],
          nsa: [NSA.secrets],
          nist: [NIST.imageSecrets],
          checkov: ["CKV_K8S_35"],
        }),
      }),
      check: (t, report) => {
        for (const [i, e] of asArr(t.c.env).entries())
          if (asObj(asObj(asObj(e)?.valueFrom)?.secretKeyRef)) report([...t.path, "env", i]);
        for (const [i, e] of asArr(t.c.envFrom).entries())
          if (asObj(asObj(e)?.secretRef)) report([...t.path, "envFrom", i]);
      },
    },
  ];
}

function probeRules(): ContainerRule[] {
  const probe = (id: string, field: string, checkov: string, kubescape: string): ContainerRule => ({
    meta: k8s({
      id,
      title: `Container has no ${field}`,
      severity: "LOW",
      why:
        field === "livenessProbe"
          ? "Without a liveness probe a hung or hijacked process keeps running and serving instead of being restarted."
          : "Without a readiness probe traffic reaches the container before it is ready and keeps reaching it when it is degraded.",
      remediation: `Define ${field} (httpGet, tcpSocket, grpc or exec) on every long-running container.`,
      mappings: mapIds({
        cisDocker: ["5.26"],
        nist: [NIST.ctrAppVulns],
        kubescape: [kubescape],
        checkov: [checkov],
      }),
    }),
    appliesTo: (t) => t.type === "containers" && LONG_RUNNING.has(t.pod.obj.kind),
    check: (t, report) => {
      if (!asObj(t.c[field])) report(t.path);
    },
  });
  return [
    probe("BW-K8S-033", "livenessProbe", "CKV_K8S_8", "C-0056"),
    probe("BW-K8S-034", "readinessProbe", "CKV_K8S_9", "C-0018"),
  ];
}
