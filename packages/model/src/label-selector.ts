/**
 * Kubernetes label selectors (matchLabels + matchExpressions), as Services' sets, NetworkPolicies'
 * pod selectors and admission's namespace selectors use them. Read from untrusted YAML: an
 * operator that is not one of the four selects nothing, which is how the API server treats an
 * invalid selector (it refuses the object).
 */
type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Does a label selector select these labels? An empty selector selects all. */
export function labelSelectorMatches(selector: unknown, labels: Record<string, unknown>): boolean {
  const sel = asObj(selector) ?? {};
  for (const [k, v] of Object.entries(asObj(sel.matchLabels) ?? {})) if (labels[k] !== v) return false;
  for (const raw of asArr(sel.matchExpressions)) {
    const e = asObj(raw) ?? {};
    const key = typeof e.key === "string" ? e.key : "";
    const values = asArr(e.values).map(String);
    const has = Object.hasOwn(labels, key);
    const val = has ? String(labels[key]) : undefined;
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(val!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(val!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
