import { NIST, NSA } from "../frameworks.js";
import { isSecretName, looksLikePlaceholder, mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { asArr, asObj, asStr, type K8sObject } from "./objects.js";

type ObjectRule = Rule<K8sObject, Path>;
const k8s = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "kubernetes" });

/** Values that are credentials whatever their key is called. */
const SECRET_VALUE =
  /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}/;

const isExternal = (o: K8sObject): boolean => {
  const type = asStr(asObj(o.value.spec)?.type);
  return type === "NodePort" || type === "LoadBalancer";
};

export const objectRules: ObjectRule[] = [
  {
    meta: k8s({
      id: "BW-K8S-028",
      title: "ConfigMap holds a secret-looking value",
      severity: "HIGH",
      why: "ConfigMaps are not treated as sensitive: they are readable by many roles, shown in plain text by tooling and not encrypted at rest, so a credential stored there leaks.",
      remediation:
        "Move the value to a Secret (or an external secret manager) and reference it from the workload.",
      mappings: mapIds({
        cisDocker: ["4.10"],
        nsa: [NSA.secrets],
        nist: [NIST.imageSecrets],
        kubescape: ["C-0012"],
      }),
    }),
    appliesTo: (o) => o.kind === "ConfigMap",
    check: (o, report) => {
      const data = asObj(o.value.data) ?? {};
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== "string") continue;
        const byName = isSecretName(key) && !looksLikePlaceholder(value) && !value.includes("\n");
        if (byName || SECRET_VALUE.test(value)) report([...o.path, "data", key], `key ${key}`);
      }
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-031",
      title: "Service is exposed outside the cluster (NodePort or LoadBalancer)",
      severity: "LOW",
      why: "NodePort opens the port on every node's address and LoadBalancer on a public or shared address; internal services exposed this way skip the ingress layer's authentication and TLS.",
      remediation:
        "Use type ClusterIP behind an Ingress or gateway, or restrict the load balancer with loadBalancerSourceRanges.",
      mappings: mapIds({ nsa: [NSA.netpol], nist: [NIST.orchNetwork] }),
    }),
    appliesTo: (o) => o.kind === "Service",
    check: (o, report) => {
      if (isExternal(o)) report([...o.path, "spec", "type"], `type ${asStr(asObj(o.value.spec)?.type)}`);
    },
  },
  {
    meta: k8s({
      id: "BW-K8S-032",
      title: "Service exposes SSH (port 22) outside the cluster",
      severity: "HIGH",
      why: "SSH reachable from outside the cluster invites password guessing and gives a shell into the pod network when it succeeds.",
      remediation:
        "Do not run SSH in pods; use `kubectl exec` under RBAC. If needed, keep the Service ClusterIP and reach it through a bastion.",
      mappings: mapIds({
        cisDocker: ["5.6"],
        nsa: [NSA.netpol],
        nist: [NIST.orchNetwork],
        kubescape: ["C-0042"],
      }),
    }),
    appliesTo: (o) => o.kind === "Service",
    check: (o, report) => {
      const spec = asObj(o.value.spec) ?? {};
      if (!isExternal(o) && asArr(spec.externalIPs).length === 0) return;
      for (const [i, p] of asArr(spec.ports).entries()) {
        const port = asObj(p) ?? {};
        if (port.port === 22 || port.targetPort === 22 || port.targetPort === "ssh")
          report([...o.path, "spec", "ports", i], "port 22");
      }
    },
  },
];

export const NETPOL_META: CheckMeta = k8s({
  id: "BW-K8S-030",
  title: "No NetworkPolicy selects the workload",
  severity: "LOW",
  why: "Pods that no NetworkPolicy selects accept traffic from, and send traffic to, every pod in the cluster: one compromised pod can reach them all.",
  remediation:
    "Add a NetworkPolicy in the workload's namespace whose podSelector matches its pod labels (a default-deny policy plus explicit allows).",
  mappings: mapIds({
    cisK8s: ["5.3.2"],
    nsa: [NSA.netpol],
    nist: [NIST.orchNetwork, NIST.ctrNetwork],
    kubescape: ["C-0260"],
  }),
});
