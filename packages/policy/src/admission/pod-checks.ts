import { KubernetesFamily, parseYamlFull } from "../deps.js";
import type { PodCheckHit } from "../policy/evaluate.js";

/**
 * The existing Kubernetes misconfiguration checks (privileged, hostPath, runAsNonRoot,
 * capabilities…) run on the object under review. JSON is YAML, so the object goes through
 * the same document parser the config scanner uses; checks that need the whole manifest set
 * (NetworkPolicy coverage) are not settled here.
 */
export function podCheckHits(object: Record<string, unknown>): PodCheckHit[] {
  const family = new KubernetesFamily(new Set());
  const hits: PodCheckHit[] = [];
  for (const doc of parseYamlFull(JSON.stringify(object))) {
    for (const raw of family.checkDocument("admission-request", doc, [])) {
      hits.push({
        id: raw.meta.id,
        severity: raw.meta.severity,
        title: raw.meta.title,
        message: raw.message,
      });
    }
  }
  return hits;
}
