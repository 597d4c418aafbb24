import type { SecretContext } from "./config.js";
import { kubernetesHits, manifestPath, mightBeManifest } from "./kubernetes.js";
import type { SecretHit } from "./types.js";

const key = (h: SecretHit): string => `${h.ruleId}\u0000${h.line}\u0000${h.secretHash}`;

/**
 * Every hit in one file's text: the rules over the text, then the manifest structure.
 * BYTES, when given, are the file as read (TEXT is their latin1 decoding): a faster keyword pass.
 */
export function scanContent(ctx: SecretContext, path: string, text: string, bytes?: Uint8Array): SecretHit[] {
  return withManifest(ctx, path, text, ctx.engine.scanText(path, text, bytes));
}

/**
 * The same for a file as read: its text is decoded only when the keyword pass finds
 * something or the file may be a manifest (most files of a large tree need neither).
 */
export function scanFileBytes(ctx: SecretContext, path: string, buf: Buffer): SecretHit[] {
  let text: string | undefined;
  const decode = (): string => (text ??= buf.toString("latin1"));
  const hits = ctx.engine.scanBytes(path, buf, decode);
  return manifestPath(path) ? withManifest(ctx, path, decode(), hits) : hits;
}

function withManifest(ctx: SecretContext, path: string, text: string, hits: SecretHit[]): SecretHit[] {
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
