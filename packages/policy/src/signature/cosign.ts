import { verify, type KeyObject } from "node:crypto";
import { errorMessage, type RegistryClient } from "../deps.js";
import { COSIGN_SIGNATURE_ARTIFACT, discoverReferrers, type Discovery } from "./referrers.js";
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, payloadDigest } from "./simple-signing.js";

/** A verification key named by a policy. */
export interface KeyRef {
  /** The file as written in the policy, resolved against the policy's folder. */
  path: string;
  key: KeyObject;
}

/** One signature layer as the registry serves it, before any check. */
export interface SignatureLayer {
  payload: Buffer;
  signature: string;
  /** The layer's string annotations: keyless signatures carry their certificate and log proofs here. */
  annotations: Record<string, string>;
}

/** What the `sha256-<hex>.sig` tag holds, or why it could not be read. */
export interface SignatureArtifact {
  layers: SignatureLayer[];
  /** Layers skipped as unreadable, with the reason (reported when nothing verifies). */
  problems: string[];
}

const MAX_LAYERS = 64;

/** The tag cosign stores signatures of `digest` under. */
export function signatureTag(digest: string): string {
  return `${digest.replace(":", "-")}.sig`;
}

/** Annotations come from the registry: only string values are kept. */
function stringValues(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/**
 * The cosign signature layers attached to `digest`: the `sha256-<hex>.sig` tag and signature
 * artifacts found through the referrers API (or its fallback tag). Nothing attached is an
 * empty list; pass `found` when the caller already ran the discovery.
 */
export async function fetchSignatures(
  client: RegistryClient,
  digest: string,
  found?: Discovery,
): Promise<SignatureArtifact> {
  const discovery = found ?? (await discoverReferrers(client, digest));
  const out: SignatureArtifact = { layers: [], problems: [...discovery.problems] };
  const manifests = discovery.referrers.filter((r) => r.artifactType === COSIGN_SIGNATURE_ARTIFACT);
  for (const m of manifests) {
    if (!m.layers.length) out.problems.push("signature manifest has no layers");
    for (const l of m.layers.slice(0, MAX_LAYERS)) {
      const signature = l.annotations?.[SIGNATURE_ANNOTATION];
      if (
        l.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE ||
        typeof l.digest !== "string" ||
        typeof signature !== "string"
      ) {
        out.problems.push("a signature layer is not a cosign simple-signing layer");
        continue;
      }
      try {
        const payload = await client.blob(l.digest, "signature payload");
        out.layers.push({ payload, signature, annotations: stringValues(l.annotations ?? {}) });
      } catch (e) {
        out.problems.push(`signature payload ${l.digest}: ${errorMessage(e)}`);
      }
    }
  }
  return out;
}

/** cosign: ECDSA P-256 and RSA (PKCS#1 v1.5) sign the SHA-256 of the payload; Ed25519 signs it directly. */
export function verifyBlob(key: KeyObject, payload: Buffer, signature: Buffer): boolean {
  try {
    return verify(key.asymmetricKeyType === "ed25519" ? null : "sha256", payload, key, signature);
  } catch {
    return false; // a malformed DER signature is a failed verification, not a crash
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Does any layer carry a valid signature by one of `keys` over a payload naming `digest`?
 * The digest check matters: a valid signature of another image must not approve this one.
 */
export function verifyWithKeys(
  artifact: SignatureArtifact,
  digest: string,
  keys: readonly KeyRef[],
): { ok: boolean; detail: string } {
  const seen: string[] = [];
  for (const layer of artifact.layers) {
    if (!BASE64.test(layer.signature)) {
      seen.push("signature annotation is not base64");
      continue;
    }
    const sig = Buffer.from(layer.signature, "base64");
    const signer = keys.find((k) => verifyBlob(k.key, layer.payload, sig));
    if (!signer) {
      seen.push("signature does not verify with the policy's keys");
      continue;
    }
    const claim = payloadDigest(layer.payload);
    if ("error" in claim) seen.push(claim.error);
    else if (claim.digest !== digest) seen.push(`signed payload names another image (${claim.digest})`);
    else return { ok: true, detail: `signed with ${signer.path}` };
  }
  const all = [...seen, ...artifact.problems];
  return { ok: false, detail: all.length ? [...new Set(all)].join("; ") : "no signature found" };
}
