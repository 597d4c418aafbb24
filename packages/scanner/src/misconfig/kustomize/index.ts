import { resolve } from "node:path";
import type { Collector } from "../collector.js";
import type { ConfigFile } from "../files.js";
import type { KubernetesFamily } from "../kubernetes/family.js";
import { KUSTOMIZATION_FILES, renderKustomization, renderedDoc, topKustomizations } from "./render.js";

/**
 * Renders every top-level kustomization of a scanned tree and checks the result; returns
 * the files it read, which the scan then skips (their objects were checked as rendered,
 * with findings on their own lines).
 */
export function scanKustomizations(
  root: string,
  files: ConfigFile[],
  c: Collector,
  k8s: KubernetesFamily,
): Set<string> {
  const consumed = new Set<string>();
  const kfiles = files.filter((f) => KUSTOMIZATION_FILES.includes(f.path.split(/[\\/]/).pop() ?? ""));
  if (!kfiles.length) return consumed;
  for (const dir of topKustomizations(kfiles.map((f) => f.path))) {
    const r = renderKustomization(dir, root);
    r.consumed.forEach((p) => consumed.add(p));
    for (const p of r.problems)
      c.issues.push({ path: p.path, code: "PARSE", message: `kustomize: ${p.message}` });
    c.warnings.push(...r.warnings);
    for (const o of r.objects)
      for (const raw of k8s.checkDocument(o.file, renderedDoc(o), o.inline)) c.add(raw);
  }
  return consumed;
}

export const isConsumed = (consumed: Set<string>, file: ConfigFile): boolean =>
  consumed.has(resolve(file.path));
