import type { SecretContext } from "./config.js";
import { kubernetesHits, mightBeManifest } from "./kubernetes.js";
import type { SecretHit } from "./types.js";

const key = (h: SecretHit): string => `${h.ruleId}\u0000${h.line}\u0000${h.secretHash}`;

/**
 * Every hit in one file's text: the rules over the text, then the manifest structure.
 * BYTES, when given, are the file as read (TEXT is their latin1 decoding): a faster keyword pass.
 */
export function scanContent(ctx: SecretContext, path: string, text: string, bytes?: Uint8Array): SecretHit[] {
  const hits = ctx.engine.scanText(path, text, bytes);
  if (!mightBeManifest(path, text)) return hits;
  const kube = kubernetesHits(ctx.engine, path, text, ctx.enabled);
  if (kube.length === 0) return hits;
  // A manifest line the structure explains needs no last-resort (generic) finding too.
  const explained = new Set(kube.filter((h) => h.ruleId.startsWith("kubernetes-")).map((h) => h.line));
  const out = hits.filter((h) => !(h.ruleId.startsWith("generic-") && explained.has(h.line)));
  const seen = new Set(out.map(key));
  for (const hit of kube) {
    if (seen.has(key(hit)) || (hit.ruleId.startsWith("generic-") && explained.has(hit.line))) continue;
    seen.add(key(hit));
    out.push(hit);
  }
  return out;
}
