import { componentOf } from "../controlplane/flags.js";
import { NSA } from "../frameworks.js";
import { asArr, asObj, asStr, type PodTarget } from "../kubernetes/objects.js";
import type { Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { meta } from "./define.js";

/** Pod-level workload hygiene. */
type PodRule = Rule<PodTarget, Path>;
const annotationsOf = (p: PodTarget) => asObj(p.meta.annotations) ?? {};
const SENSITIVE_HOST_PATH =
  /^\/(etc|root|proc|sys|boot|dev|var\/lib\/kubelet|var\/lib\/etcd|etc\/kubernetes|home|usr|lib|bin|sbin)?\/?$/;

export const workloadPodRules: PodRule[] = [
  {
    meta: meta({
      id: "BW-WL-012",
      title: "Helm v2 Tiller is deployed",
      severity: "HIGH",
      why: "Tiller (Helm v2, end of life since 2020) runs with cluster-admin rights and serves an unauthenticated gRPC port inside the cluster: any pod can install charts as cluster-admin.",
      remediation: "Migrate to Helm 3 (no in-cluster component) and delete the tiller-deploy Deployment.",
      trivy: ["KSV102"],
      nsa: NSA.rbac,
    }),
    check: (p, report) => {
      for (const [i, raw] of asArr(p.spec.containers).entries())
        if (/(^|\/)tiller(:|@|$)/.test(asStr(asObj(raw)?.image) ?? ""))
          report([...p.specPath, "containers", i, "image"], "tiller image");
    },
  },
  {
    meta: meta({
      id: "BW-WL-013",
      title: "Pod is not managed by a controller (naked Pod)",
      severity: "LOW",
      why: "A bare Pod is not rescheduled when its node fails and is not replaced on rollout, so it drifts from the reviewed spec and is easy to forget.",
      remediation: "Run the pod through a Deployment, StatefulSet, DaemonSet or Job.",
      kubescape: ["C-0073"],
      nsa: NSA.namespaces,
    }),
    appliesTo: (p) => p.obj.kind === "Pod" && !componentOf(p.obj),
    check: (p, report) => {
      const owners = asArr(asObj(p.obj.value.metadata)?.ownerReferences);
      if (!owners.length) report([...p.obj.path, "kind"]);
    },
  },
  {
    meta: meta({
      id: "BW-WL-014",
      title: "Workload is deployed to kube-system",
      severity: "MEDIUM",
      why: "kube-system holds the cluster's most privileged service accounts and Secrets; an application pod there shares their blast radius.",
      remediation: "Deploy applications to their own namespace.",
      trivy: ["KSV037"],
      nsa: NSA.namespaces,
    }),
    appliesTo: (p) => !componentOf(p.obj),
    check: (p, report) => {
      if (p.obj.namespace === "kube-system") report([...p.obj.path, "metadata", "namespace"]);
    },
  },
  {
    meta: meta({
      id: "BW-WL-015",
      title: "Pod shares its process namespace between containers",
      severity: "LOW",
      why: "With shareProcessNamespace every container sees and can signal the others' processes and read their /proc, including secrets in environment and memory.",
      remediation: "Remove shareProcessNamespace unless a sidecar truly needs it.",
      nsa: NSA.hardening,
    }),
    check: (p, report) => {
      if (p.spec.shareProcessNamespace === true) report([...p.specPath, "shareProcessNamespace"]);
    },
  },
  {
    meta: meta({
      id: "BW-WL-016",
      title: "seccomp set only through the removed annotation",
      severity: "MEDIUM",
      why: "The seccomp.security.alpha.kubernetes.io annotations are ignored since Kubernetes 1.27: the pod looks confined but runs without the profile.",
      remediation: "Set securityContext.seccompProfile.type: RuntimeDefault and drop the annotation.",
      cis: ["5.7.2"],
      kubescape: ["C-0210"],
    }),
    check: (p, report) => {
      const ann = annotationsOf(p);
      const legacy = Object.keys(ann).find(
        (k) =>
          k.startsWith("seccomp.security.alpha.kubernetes.io/") ||
          k.startsWith("container.seccomp.security.alpha.kubernetes.io/"),
      );
      const podField = asObj(p.spec.securityContext)?.seccompProfile !== undefined;
      if (legacy && !podField) report([...p.metaPath, "annotations", legacy], legacy);
    },
  },
  {
    meta: meta({
      id: "BW-WL-017",
      title: "AppArmor set only through the deprecated annotation",
      severity: "LOW",
      why: "The container.apparmor.security.beta.kubernetes.io annotations are deprecated since Kubernetes 1.30 in favour of appArmorProfile and will stop being honoured.",
      remediation: "Set securityContext.appArmorProfile.type: RuntimeDefault (or Localhost) instead.",
      kubescape: ["C-0055"],
    }),
    check: (p, report) => {
      const ann = annotationsOf(p);
      const key = Object.keys(ann).find((k) =>
        k.startsWith("container.apparmor.security.beta.kubernetes.io/"),
      );
      if (key && asObj(p.spec.securityContext)?.appArmorProfile === undefined)
        report([...p.metaPath, "annotations", key], key);
    },
  },
  {
    meta: meta({
      id: "BW-WL-018",
      title: "Pod mounts a sensitive host directory",
      severity: "HIGH",
      why: "Host directories such as /, /etc, /proc, /var/lib/kubelet or /etc/kubernetes hold node credentials and configuration: reading them is enough to take over the node.",
      remediation: "Remove the hostPath volume; use a ConfigMap, Secret, CSI driver or emptyDir instead.",
      cis: ["5.2.12"],
      kubescape: ["C-0048"],
    }),
    check: (p, report) => {
      for (const [i, raw] of asArr(p.spec.volumes).entries()) {
        const path = asStr(asObj(asObj(raw)?.hostPath)?.path);
        if (path !== undefined && SENSITIVE_HOST_PATH.test(path))
          report([...p.specPath, "volumes", i, "hostPath", "path"], path);
      }
    },
  },
];
