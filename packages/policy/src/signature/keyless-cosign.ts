import { createHash } from "node:crypto";
import type { Bundle } from "@sigstore/bundle";
import { pem } from "@sigstore/core";
import type { SignatureArtifact, SignatureLayer } from "./cosign.js";
import { parseBundle, verifyBundle, type KeylessIdentity } from "./keyless.js";
import { payloadDigest } from "./simple-signing.js";
import type { TrustRoot } from "./trusted-root.js";

/**
 * Classic cosign keyless signatures (cosign 1.x/2.x, the `sha256-<hex>.sig` tag): the
 * simple-signing layer carries the Fulcio certificate, the Rekor "bundle" (the log entry and
 * its signed entry timestamp) and optionally an RFC 3161 timestamp as annotations. They are
 * the fields of a Sigstore bundle v0.1 laid out differently, so they are put back into one
 * and verified by `@sigstore/verify` like any bundle.
 */
export const CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
export const REKOR_ANNOTATION = "dev.sigstore.cosign/bundle";
export const RFC3161_ANNOTATION = "dev.sigstore.cosign/rfc3161timestamp";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^[0-9a-f]+$/i;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The Rekor annotation as a bundle tlog entry (JSON form), or why it is not one. */
function tlogEntry(text: string): Record<string, unknown> | { error: string } {
  const r = parseJson(text) as
    { SignedEntryTimestamp?: unknown; Payload?: Record<string, unknown> } | undefined;
  const p = r?.Payload;
  const bad = { error: "the Rekor bundle annotation is not a Rekor entry" };
  if (
    typeof r?.SignedEntryTimestamp !== "string" ||
    typeof p?.body !== "string" ||
    !BASE64.test(p.body) ||
    !Number.isSafeInteger(p.integratedTime) ||
    !Number.isSafeInteger(p.logIndex) ||
    typeof p.logID !== "string" ||
    !HEX.test(p.logID)
  )
    return bad;
  const body = parseJson(Buffer.from(p.body, "base64").toString("utf8")) as
    { kind?: unknown; apiVersion?: unknown } | undefined;
  if (typeof body?.kind !== "string" || typeof body.apiVersion !== "string") return bad;
  return {
    logIndex: String(p.logIndex),
    logId: { keyId: Buffer.from(p.logID, "hex").toString("base64") },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(p.integratedTime),
    inclusionPromise: { signedEntryTimestamp: r.SignedEntryTimestamp },
    canonicalizedBody: p.body,
  };
}

function rfc3161(text: string): string | { error: string } {
  const ts = (parseJson(text) as { SignedRFC3161Timestamp?: unknown } | undefined)?.SignedRFC3161Timestamp;
  return typeof ts === "string" && BASE64.test(ts)
    ? ts
    : { error: "the RFC 3161 annotation holds no timestamp" };
}

/** The layer as a Sigstore bundle over `payload`, or why it cannot be one. */
export function layerBundle(layer: SignatureLayer): Bundle | { error: string } {
  const a = layer.annotations;
  const cert = a[CERTIFICATE_ANNOTATION];
  if (!cert) return { error: "no certificate: not a keyless signature" };
  if (!BASE64.test(layer.signature)) return { error: "signature annotation is not base64" };
  const tlog = a[REKOR_ANNOTATION] === undefined ? undefined : tlogEntry(a[REKOR_ANNOTATION]);
  if (tlog && "error" in tlog) return { error: tlog.error as string };
  const ts = a[RFC3161_ANNOTATION] === undefined ? undefined : rfc3161(a[RFC3161_ANNOTATION]);
  if (typeof ts === "object") return ts;
  let der: Buffer;
  try {
    der = pem.toDER(cert);
  } catch {
    return { error: "the certificate annotation is not PEM" };
  }
  return parseBundle({
    mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1",
    verificationMaterial: {
      // Only the leaf: a chain shipped beside a signature is the signer's word, not trust.
      x509CertificateChain: { certificates: [{ rawBytes: der.toString("base64") }] },
      tlogEntries: tlog ? [tlog] : [],
      timestampVerificationData: { rfc3161Timestamps: ts ? [{ signedTimestamp: ts }] : [] },
    },
    messageSignature: {
      messageDigest: {
        algorithm: "SHA2_256",
        digest: createHash("sha256").update(layer.payload).digest("base64"),
      },
      signature: layer.signature,
    },
  });
}

/**
 * Does any layer carry a keyless signature that verifies against the trusted root, by the
 * identity the policy names, over a payload naming `digest`? Reasons of every layer that
 * failed are kept: "wrong issuer" beats "no signature found" when the author debugs a policy.
 */
export function verifyKeyless(
  artifact: SignatureArtifact,
  digest: string,
  want: KeylessIdentity,
  trust: TrustRoot,
): { ok: boolean; detail: string } {
  const seen: string[] = [];
  for (const layer of artifact.layers) {
    const bundle = layerBundle(layer);
    if ("error" in bundle) {
      seen.push(`keyless: ${bundle.error}`);
      continue;
    }
    const r = verifyBundle(bundle, layer.payload, want, trust);
    if (!r.ok) {
      seen.push(r.detail);
      continue;
    }
    const claim = payloadDigest(layer.payload);
    if ("error" in claim) seen.push(`keyless: ${claim.error}`);
    else if (claim.digest !== digest)
      seen.push(`keyless: signed payload names another image (${claim.digest})`);
    else return { ok: true, detail: `signed by ${r.identity} (${r.issuer})` };
  }
  const all = [...seen, ...artifact.problems];
  return { ok: false, detail: all.length ? [...new Set(all)].join("; ") : "no signature found" };
}
