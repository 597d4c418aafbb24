import { asArr, asObj, asStr, type K8sObject, type Obj } from "../kubernetes/objects.js";

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
