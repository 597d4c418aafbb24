import type { SecretContext } from "./config.js";
import { kubernetesHits, mightBeManifest } from "./kubernetes.js";
import type { SecretHit } from "./types.js";

/** Every hit in one file's text: the rules over the text, then the manifest structure. */
export function scanContent(ctx: SecretContext, path: string, text: string): SecretHit[] {
  const hits = ctx.engine.scanText(path, text);
  if (!mightBeManifest(path, text)) return hits;
  const seen = new Set(hits.map((h) => `${h.ruleId}\u0000${h.line}\u0000${h.secretHash}`));
  for (const hit of kubernetesHits(ctx.engine, path, text, ctx.enabled)) {
    const key = `${hit.ruleId}\u0000${hit.line}\u0000${hit.secretHash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    hits.push(hit);
  }
  return hits;
}
