import { NIST, NSA } from "../frameworks.js";
import { asArr, asObj, asStr, type K8sObject, type Obj } from "../kubernetes/objects.js";
import type { RawFinding } from "../raw.js";
import type { CheckMeta } from "../types.js";
import { meta } from "../workload/define.js";

/**
 * Network policies of every flavour a scan recognises, reduced to "which pods in which
 * namespace they select": Kubernetes NetworkPolicy (podSelector), CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy (endpointSelector, in `spec` or each of `specs`).
 */
export interface PolicySelector {
  /** The namespace the policy applies in, or "*" for a cluster-wide policy. */
  namespace: string;
  selector: Obj;
}

/** The label Cilium gives every endpoint with its namespace. */
export const CILIUM_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";

export const POLICY_KINDS = new Set([
  "NetworkPolicy",
  "CiliumNetworkPolicy",
  "CiliumClusterwideNetworkPolicy",
]);

export function policySelectors(obj: K8sObject): PolicySelector[] {
  if (obj.kind === "NetworkPolicy") {
    const sel = asObj(asObj(obj.value.spec)?.podSelector);
    return sel ? [{ namespace: obj.namespace ?? "", selector: sel }] : [];
  }
  if (obj.kind !== "CiliumNetworkPolicy" && obj.kind !== "CiliumClusterwideNetworkPolicy") return [];
  const namespace = obj.kind === "CiliumClusterwideNetworkPolicy" ? "*" : (obj.namespace ?? "");
  const specs = [asObj(obj.value.spec), ...asArr(obj.value.specs).map(asObj)].filter((s): s is Obj => !!s);
  return specs.flatMap((s) => {
    const sel = asObj(s.endpointSelector);
    return sel ? [{ namespace, selector: ciliumSelector(sel) }] : [];
  });
}

/** Cilium label keys carry a source prefix (`k8s:app`, `any:app`); Kubernetes labels do not. */
function ciliumSelector(sel: Obj): Obj {
  const strip = (k: string): string => k.replace(/^(k8s|any|container|reserved):/, "");
  const matchLabels = Object.fromEntries(
    Object.entries(asObj(sel.matchLabels) ?? {}).map(([k, v]) => [strip(k), v]),
  );
  const matchExpressions = asArr(sel.matchExpressions).map((e) => {
    const o = asObj(e) ?? {};
    return { ...o, key: strip(asStr(o.key) ?? "") };
  });
  return { matchLabels, matchExpressions };
}

/** The labels a workload is matched with: its own plus, for Cilium, its namespace. */
export function endpointLabels(namespace: string, labels: Obj): Obj {
  return { ...labels, [CILIUM_NAMESPACE_LABEL]: namespace };
}

/** BW-NET-011: settled after the whole scan, like BW-K8S-030 (see KubernetesFamily.finish). */
export const NAMESPACE_NETPOL_META: CheckMeta = meta(
  {
    id: "BW-NET-011",
    title: "Namespace has workloads but no network policy at all",
    severity: "MEDIUM",
    why: "With no NetworkPolicy, CiliumNetworkPolicy or cluster-wide Cilium policy in a namespace, every pod in it accepts traffic from every pod in the cluster: one compromised pod anywhere reaches all of them.",
    remediation:
      "Add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) to the namespace, then allow what each workload needs.",
    cis: ["5.3.2"],
    kubescape: ["C-0260"],
    nsa: NSA.netpol,
    nist: NIST.orchNetwork,
  },
  "network",
);

/** One finding per namespace that has workloads and no policy of any flavour, at its first workload. */
export function namespacesWithoutPolicy(
  workloads: ReadonlyArray<{ raw: Omit<RawFinding, "meta">; namespace: string }>,
  policies: readonly PolicySelector[],
): RawFinding[] {
  if (policies.some((p) => p.namespace === "*")) return [];
  // No namespace in a manifest means the default namespace.
  const ns = (n: string): string => n || "default";
  const covered = new Set(policies.map((p) => ns(p.namespace)));
  const first = new Map<string, Omit<RawFinding, "meta">>();
  for (const w of workloads)
    if (!covered.has(ns(w.namespace)) && !first.has(ns(w.namespace))) first.set(ns(w.namespace), w.raw);
  return [...first].map(([name, raw]) => ({
    ...raw,
    meta: NAMESPACE_NETPOL_META,
    message: `namespace ${name} has no NetworkPolicy or CiliumNetworkPolicy`,
  }));
}
