/**
 * Cosign's "simple signing" payload: the JSON document a cosign key signature signs. It
 * names the manifest digest; verifying the signature and then this digest is what binds
 * a signature to one image.
 */
export const SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
export const SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
export const COSIGN_TYPE = "cosign container image signature";

export interface SimpleSigningPayload {
  critical: {
    identity: { "docker-reference": string };
    image: { "docker-manifest-digest": string };
    type: string;
  };
  optional?: Record<string, unknown> | null;
}

/** The payload cosign writes for `reference@digest` (field order as cosign emits it). */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  const p: SimpleSigningPayload = {
    critical: {
      identity: { "docker-reference": dockerReference },
      image: { "docker-manifest-digest": digest },
      type: COSIGN_TYPE,
    },
    optional: null,
  };
  return Buffer.from(JSON.stringify(p));
}

/** The manifest digest a payload vouches for, or why the payload is not a simple-signing document. */
export function payloadDigest(data: Buffer): { digest: string } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString("utf8"));
  } catch {
    return { error: "payload is not JSON" };
  }
  const critical = (doc as Partial<SimpleSigningPayload> | null)?.critical;
  if (critical?.type !== COSIGN_TYPE) return { error: "payload is not a cosign simple-signing document" };
  const digest = critical.image?.["docker-manifest-digest"];
  if (typeof digest !== "string") return { error: "payload names no manifest digest" };
  return { digest };
}
