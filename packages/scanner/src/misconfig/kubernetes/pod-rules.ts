import { NIST, NSA } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { asArr, asObj, asStr, type PodTarget } from "./objects.js";

type PodRule = Rule<PodTarget, Path>;
const k8s = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "kubernetes" });

/** Host paths that expose a container runtime socket (or a directory containing one). */
const RUNTIME_SOCKET =
  /^\/(|var|run|var\/run|var\/lib\/docker|run\/containerd|var\/run\/containerd|run\/crio|var\/run\/crio)\/?$|(docker|containerd|crio|cri-dockerd|podman)\.sock$/;

/** Sysctls Kubernetes treats as safe (namespaced and isolated per pod). */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

function hostNamespace(
  id: string,
  field: "hostPID" | "hostIPC" | "hostNetwork",
  why: string,
  m: Parameters<typeof mapIds>[0],
): PodRule {
  return {
    meta: k8s({
      id,
      title: `Pod shares the host ${field.slice(4) === "Network" ? "network" : field.slice(4)} namespace`,
      severity: "HIGH",
      why,
      remediation: `Remove spec.${field} or set it to false.`,
      mappings: mapIds({ nsa: [NSA.podSecurity], nist: [NIST.ctrRuntimeConfig], ...m }),
    }),
    check: (p, report) => {
      if (p.spec[field] === true) report([...p.specPath, field]);
    },
  };
}

export const podRules: PodRule[] = [
  hostNamespace(
    "BW-K8S-010",
    "hostPID",
    "With the host PID namespace a container sees and can signal or ptrace every process on the node, and read their environment and memory.",
    {
      cisK8s: ["5.2.3"],
      cisDocker: ["5.15"],
      trivy: ["KSV010"],
      kubescape: ["C-0038"],
      checkov: ["CKV_K8S_17"],
    },
  ),
  hostNamespace(
    "BW-K8S-011",
    "hostIPC",
    "With the host IPC namespace a container can read and write shared memory segments of host processes.",
    {
      cisK8s: ["5.2.4"],
      cisDocker: ["5.16"],
      trivy: ["KSV008"],
      kubescape: ["C-0038"],
      checkov: ["CKV_K8S_18"],
    },
  ),
  hostNamespace(
    "BW-K8S-012",
    "hostNetwork",
    "With the host network a container can sniff node traffic, reach services bound to localhost (kubelet, metadata endpoints) and bypass NetworkPolicies.",
    {
      cisK8s: ["5.2.5"],
      cisDocker: ["5.9"],
      trivy: ["KSV009"],
      kubescape: ["C-0041"],
      checkov: ["CKV_K8S_19"],
    },
  ),
  {
    meta: k8s({
      id: "BW-K8S-013",
      title: "Pod mounts a hostPath volume",
      severity: "MEDIUM",
      why: "A hostPath volume gives the container the node's files; a writable one (or one above a sensitive directory) is a direct route to node takeover.",
      remediation:
        "Replace hostPath with emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim; if unavoidable, mount it readOnly and as narrowly as possible.",
      mappings: mapIds({
        cisK8s: ["5.2.12"],
        cisDocker: ["5.5"],
        nsa: [NSA.podSecurity],
        nist: [NIST.hostFsTampering],
        trivy: ["KSV023"],
        kubescape: ["C-0048"],
      }),
    }),
    check: (p, report) => {
      for (const [i, v] of asArr(p.spec.volumes).entries()) {
        const hp = asObj(asObj(v)?.hostPath);
        if (hp) report([...p.specPath, "volumes", i, "hostPath"], `hostPath ${asStr(hp.path) ?? ""}`);
      }
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-014",
      title: "Pod mounts the container runtime socket",
      severity: "CRITICAL",
      why: "Whoever talks to the Docker, containerd or CRI-O socket can start a privileged container with the host filesystem mounted: full node compromise.",
      remediation:
        "Remove the hostPath volume for the runtime socket; use a purpose-built API (for builds: rootless BuildKit or kaniko).",
      mappings: mapIds({
        cisDocker: ["5.31"],
        nsa: [NSA.podSecurity],
        nist: [NIST.ctrRuntimeConfig],
        trivy: ["KSV006"],
        kubescape: ["C-0074"],
        checkov: ["CKV_K8S_27"],
      }),
    }),
    check: (p, report) => {
      for (const [i, v] of asArr(p.spec.volumes).entries()) {
        const path = asStr(asObj(asObj(v)?.hostPath)?.path);
        if (path && RUNTIME_SOCKET.test(path))
          report([...p.specPath, "volumes", i, "hostPath", "path"], `hostPath ${path}`);
      }
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-024",
      title: "Service account token is mounted automatically",
      severity: "MEDIUM",
      why: "Every pod gets an API token by default; code execution in the pod then means API access with the service account's rights.",
      remediation:
        "Set spec.automountServiceAccountToken: false on the pod (or on its ServiceAccount) unless the workload calls the Kubernetes API.",
      mappings: mapIds({
        cisK8s: ["5.1.6"],
        nsa: [NSA.saTokens],
        nist: [NIST.orchUnauthorized],
        trivy: ["KSV036"],
        kubescape: ["C-0034", "C-0190"],
        checkov: ["CKV_K8S_38"],
      }),
    }),
    check: (p, report) => {
      if (p.spec.automountServiceAccountToken !== false)
        report(
          p.spec.automountServiceAccountToken === undefined
            ? p.specPath
            : [...p.specPath, "automountServiceAccountToken"],
        );
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-025",
      title: "Pod uses the default service account",
      severity: "LOW",
      why: "Rights granted to `default` are shared by every pod in the namespace that does not name another account, so one compromise inherits them all.",
      remediation: "Create a dedicated ServiceAccount per workload and set spec.serviceAccountName.",
      mappings: mapIds({
        cisK8s: ["5.1.5"],
        nsa: [NSA.rbac],
        nist: [NIST.orchUnauthorized],
        kubescape: ["C-0189"],
      }),
    }),
    check: (p, report) => {
      const sa = asStr(p.spec.serviceAccountName) ?? asStr(p.spec.serviceAccount);
      if (!sa || sa === "default") report(sa ? [...p.specPath, "serviceAccountName"] : p.specPath);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-026",
      title: "Workload is deployed to the default namespace",
      severity: "LOW",
      why: "The default namespace usually has no NetworkPolicies, quotas or pod security level, and mixes unrelated workloads behind one RBAC boundary.",
      remediation: "Set metadata.namespace to a dedicated namespace with its own policies.",
      mappings: mapIds({
        cisK8s: ["5.7.4"],
        nsa: [NSA.namespaces],
        nist: [NIST.orchMixing],
        trivy: ["KSV110"],
        kubescape: ["C-0061"],
        checkov: ["CKV_K8S_21"],
      }),
    }),
    check: (p, report) => {
      const ns = p.obj.namespace;
      if (!ns || ns === "default") report([...p.obj.path, "metadata", ...(ns ? ["namespace"] : [])]);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-035",
      title: "Pod runs with root group (GID 0)",
      severity: "LOW",
      why: "GID 0 gives access to files owned by the root group, which images and host mounts often leave group-writable.",
      remediation: "Set runAsGroup, fsGroup and supplementalGroups to non-zero GIDs.",
      mappings: mapIds({ nsa: [NSA.nonRoot], nist: [NIST.ctrRuntimeConfig], trivy: ["KSV029"] }),
    }),
    check: (p, report) => {
      const sc = asObj(p.spec.securityContext) ?? {};
      const base = [...p.specPath, "securityContext"];
      if (sc.runAsGroup === 0) report([...base, "runAsGroup"]);
      if (sc.fsGroup === 0) report([...base, "fsGroup"]);
      if (asArr(sc.supplementalGroups).includes(0)) report([...base, "supplementalGroups"]);
      for (const type of ["initContainers", "containers", "ephemeralContainers"])
        for (const [i, c] of asArr(p.spec[type]).entries())
          if (asObj(asObj(c)?.securityContext)?.runAsGroup === 0)
            report([...p.specPath, type, i, "securityContext", "runAsGroup"]);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-036",
      title: "Pod sets an unsafe sysctl",
      severity: "HIGH",
      why: "Sysctls outside the namespaced safe set change kernel behaviour for the whole node and can weaken isolation for every other pod.",
      remediation:
        "Remove the sysctl from spec.securityContext.sysctls or run the workload on dedicated, tainted nodes.",
      mappings: mapIds({ nsa: [NSA.podSecurity], nist: [NIST.hostSharedKernel], trivy: ["KSV026"] }),
    }),
    check: (p, report) => {
      const sysctls = asArr(asObj(p.spec.securityContext)?.sysctls);
      for (const [i, s] of sysctls.entries()) {
        const name = asStr(asObj(s)?.name);
        if (name && !SAFE_SYSCTLS.has(name))
          report([...p.specPath, "securityContext", "sysctls", i], `sysctl ${name}`);
      }
    },
  },
];
