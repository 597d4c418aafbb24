import { createHash } from "node:crypto";
import { opensslSignBytes, rfc3161, sha256, type TestSigstore } from "./sigstore-pki.js";

/**
 * Keyless signing against the openssl-made test Sigstore ({@link TestSigstore}): the
 * signature, the log's signed entry timestamp and checkpoint, and the RFC 3161 timestamp are
 * all made by openssl; this file only lays the bytes out in the formats cosign and Rekor use
 * (the cosign `.sig` layer annotations and the Sigstore bundle v0.3 JSON). Hand-written
 * layout because no tool here produces these formats offline.
 */
export interface Signing {
  /** Leaf key and certificate (PEM) from {@link issueSigningCert}. */
  key: string;
  pem: string;
  /** Unix seconds the log records; null: no log entry at all. */
  integratedTime: number | null;
  /** Ask the TSA for an RFC 3161 timestamp over the signature. */
  tsa: boolean;
  tag: string;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString("base64");
const hex = (b: Buffer) => b.toString("hex");
const leafHash = (b: Buffer) =>
  createHash("sha256")
    .update(Buffer.from([0]))
    .update(b)
    .digest();
const nodeHash = (l: Buffer, r: Buffer) =>
  createHash("sha256")
    .update(Buffer.from([1]))
    .update(l)
    .update(r)
    .digest();

/**
 * Log `body` as entry 1 of a two-entry tree (entry 0 is filler, so the inclusion proof has a
 * hash to chain), sign the entry timestamp (SET) and the checkpoint with the log key.
 */
function logEntry(s: TestSigstore, body: Buffer, integratedTime: number, kind: string) {
  const logIndex = 1;
  const logID = hex(s.log.logId);
  // Canonical JSON (RFC 8785) of the SET payload: keys already in sorted order.
  const setPayload = `{"body":"${b64(body)}","integratedTime":${integratedTime},"logID":"${logID}","logIndex":${logIndex}}`;
  const set = opensslSignBytes(s.log.key, Buffer.from(setPayload));
  const filler = leafHash(Buffer.from(`{"filler":"${s.name}"}`));
  const root = nodeHash(filler, leafHash(body));
  const note = `${s.log.origin} - 1\n2\n${b64(root)}\n`;
  const noteSig = opensslSignBytes(s.log.key, Buffer.from(note));
  const envelope = `${note}\n\u2014 ${s.log.origin} ${b64(Buffer.concat([s.log.logId.subarray(0, 4), noteSig]))}\n`;
  return {
    classic: {
      SignedEntryTimestamp: b64(set),
      Payload: { body: b64(body), integratedTime, logIndex, logID },
    },
    bundle: {
      logIndex: String(logIndex),
      logId: { keyId: b64(s.log.logId) },
      kindVersion: { kind, version: "0.0.1" },
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: b64(set) },
      inclusionProof: {
        logIndex: String(logIndex),
        rootHash: b64(root),
        treeSize: "2",
        hashes: [b64(filler)],
        checkpoint: { envelope },
      },
      canonicalizedBody: b64(body),
    },
  };
}

/**
 * A classic cosign keyless signature layer: the annotations cosign 1.x/2.x writes on the
 * simple-signing layer of the `.sig` image (signature, certificate, chain, Rekor bundle,
 * RFC 3161 timestamp).
 */
export function keylessLayerAnnotations(
  s: TestSigstore,
  chainPem: string,
  payload: Buffer,
  o: Signing,
): { signatureB64: string; annotations: Record<string, string> } {
  const sig = opensslSignBytes(o.key, payload);
  const annotations: Record<string, string> = {
    "dev.sigstore.cosign/certificate": o.pem,
    "dev.sigstore.cosign/chain": chainPem,
  };
  if (o.integratedTime !== null) {
    const body = Buffer.from(
      JSON.stringify({
        apiVersion: "0.0.1",
        kind: "hashedrekord",
        spec: {
          data: { hash: { algorithm: "sha256", value: hex(sha256(payload)) } },
          signature: { content: b64(sig), publicKey: { content: b64(o.pem) } },
        },
      }),
    );
    annotations["dev.sigstore.cosign/bundle"] = JSON.stringify(
      logEntry(s, body, o.integratedTime, "hashedrekord").classic,
    );
  }
  if (o.tsa)
    annotations["dev.sigstore.cosign/rfc3161timestamp"] = JSON.stringify({
      SignedRFC3161Timestamp: b64(rfc3161(s, sig, o.tag)),
    });
  return { signatureB64: b64(sig), annotations };
}

/** The in-toto statement cosign v3 signs for an image (predicate type cosign/sign/v1). */
export function signStatement(
  digest: string,
  name: string,
  predicateType = "https://sigstore.dev/cosign/sign/v1",
): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name, digest: { sha256: digest.replace(/^sha256:/, "") } }],
      predicateType,
      predicate: {},
    }),
  );
}

const IN_TOTO = "application/vnd.in-toto+json";

/** DSSE pre-authentication encoding: what a DSSE signature covers. */
function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `),
    payload,
  ]);
}

/** A Sigstore bundle v0.3 (cosign v3's image signature): DSSE-wrapped statement, certificate, log entry, timestamp. */
export function dsseBundle(s: TestSigstore, statement: Buffer, o: Signing): Record<string, unknown> {
  const sig = opensslSignBytes(o.key, pae(IN_TOTO, statement));
  const envelope = {
    payload: b64(statement),
    payloadType: IN_TOTO,
    signatures: [{ sig: b64(sig), keyid: "" }],
  };
  const tlogEntries = [];
  if (o.integratedTime !== null) {
    const body = Buffer.from(
      JSON.stringify({
        apiVersion: "0.0.1",
        kind: "dsse",
        spec: {
          envelopeHash: { algorithm: "sha256", value: hex(sha256(Buffer.from(JSON.stringify(envelope)))) },
          payloadHash: { algorithm: "sha256", value: hex(sha256(statement)) },
          signatures: [{ signature: b64(sig), verifier: b64(o.pem) }],
        },
      }),
    );
    tlogEntries.push(logEntry(s, body, o.integratedTime, "dsse").bundle);
  }
  const certDer = Buffer.from(o.pem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {
      certificate: { rawBytes: b64(certDer) },
      tlogEntries,
      timestampVerificationData: {
        rfc3161Timestamps: o.tsa ? [{ signedTimestamp: b64(rfc3161(s, sig, o.tag)) }] : [],
      },
    },
    dsseEnvelope: envelope,
  };
}
