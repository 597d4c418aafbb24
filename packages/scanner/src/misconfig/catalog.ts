import { kubernetesContainerRules, manifestSetChecks, ruleSets } from "./registry.js";
import { FAMILIES, type CheckMeta } from "./types.js";

let cached: CheckMeta[] | undefined;

/** Every check Bulwark has, ordered by family then id. */
export function catalog(): CheckMeta[] {
  if (cached) return cached;
  const rules = [...kubernetesContainerRules(["catalog"]), ...Object.values(ruleSets).flat()];
  const metas: CheckMeta[] = [...rules.map((r) => r.meta), ...manifestSetChecks];
  const num = (id: string): number => Number(id.split("-").pop());
  cached = metas.sort(
    (a, b) =>
      FAMILIES.indexOf(a.family) - FAMILIES.indexOf(b.family) ||
      num(a.id) - num(b.id) ||
      a.id.localeCompare(b.id),
  );
  return cached;
}
