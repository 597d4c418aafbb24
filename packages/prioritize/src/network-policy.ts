/**
 * Kubernetes NetworkPolicies (networking.k8s.io/v1), read only for what can take exposure
 * away: pods that policies isolate for ingress and that none of those policies lets anything
 * into ("default deny"). Policies add up — a pod receives what any policy selecting it allows —
 * and whether a rule's peers include the load balancer or the Ingress controller depends on
 * the cluster, so a pod with any ingress rule at all stays exposed: ranking an exposed image
 * low is the worse mistake. An invalid selector selects nothing, for the same reason.
 */
import { labelSelectorMatches } from "./deps.js";
import { list, obj, str, type Obj } from "./shape.js";

interface Policy {
  namespace: string;
  selector: Obj;
  /** The policy isolates the pods it selects for ingress. */
  isolates: boolean;
  /** It has at least one ingress rule (some traffic is let in). */
  admits: boolean;
}

function policyOf(doc: Obj): Policy | undefined {
  if (doc.kind !== "NetworkPolicy") return undefined;
  const spec = obj(doc.spec);
  const selector = obj(spec?.podSelector);
  if (!spec || !selector) return undefined;
  // Without policyTypes a policy always governs ingress (and egress only when it has rules).
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : ["Ingress"];
  return {
    namespace: str(obj(doc.metadata)?.namespace) ?? "default",
    selector,
    isolates: types.includes("Ingress"),
    admits: list(spec.ingress).length > 0,
  };
}

/**
 * A test for "the NetworkPolicies in `docs` admit no ingress to these pods": at least one
 * policy of their namespace isolates them and none of those has an ingress rule.
 */
export function ingressDenial(
  docs: readonly Obj[],
): (pods: { namespace: string; labels: Map<string, string> }) => boolean {
  const policies = docs.map(policyOf).filter((p): p is Policy => p !== undefined && p.isolates);
  return (pods) => {
    const labels = Object.fromEntries(pods.labels);
    const mine = policies.filter(
      (p) => p.namespace === pods.namespace && labelSelectorMatches(p.selector, labels),
    );
    return mine.length > 0 && mine.every((p) => !p.admits);
  };
}
