import { errorMessage, type RegistryClient } from "../deps.js";
import type { SignatureOutcome } from "./outcome.js";
import { verifyBlob, type KeyRef } from "./cosign.js";
import { DSSE_MEDIA_TYPE, SIGSTORE_BUNDLE, type Discovery } from "./referrers.js";

/**
 * SBOM attestations: an in-toto statement in a DSSE envelope whose predicate is an SPDX or
 * CycloneDX document and whose subject is the image digest. cosign attaches them under the
 * `sha256-<hex>.att` tag (one DSSE layer per attestation); Sigstore bundles attached through
 * the referrers API carry the same envelope in `dsseEnvelope`.
 */
const IN_TOTO_PAYLOAD = "application/vnd.in-toto+json";
const SBOM_PREDICATE = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)(\/v[\d.]+)?$/;
const MAX_ENVELOPES = 32;

interface Envelope {
  payloadType: string;
  payload: Buffer;
  signatures: Buffer[];
  via: string;
}

/** DSSE pre-authentication encoding: what a DSSE signature actually signs. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ]);
}

const B64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A DSSE envelope from untrusted JSON; undefined when it is not one. */
export function parseEnvelope(value: unknown, via: string): Envelope | undefined {
  const v = value as { payloadType?: unknown; payload?: unknown; signatures?: unknown } | null;
  if (typeof v !== "object" || v === null) return undefined;
  if (typeof v.payloadType !== "string" || typeof v.payload !== "string" || !B64.test(v.payload))
    return undefined;
  const sigs = Array.isArray(v.signatures) ? (v.signatures as Array<{ sig?: unknown }>) : [];
  return {
    payloadType: v.payloadType,
    payload: Buffer.from(v.payload, "base64"),
    signatures: sigs
      .map((s) => s?.sig)
      .filter((s): s is string => typeof s === "string" && B64.test(s))
      .map((s) => Buffer.from(s, "base64")),
    via,
  };
}

/** The SBOM predicate type of an in-toto statement about `digest`, or why it is not one. */
export function sbomStatement(
  payload: Buffer,
  digest: string,
): { predicateType: string } | { error: string } {
  let st: { subject?: unknown; predicateType?: unknown };
  try {
    st = JSON.parse(payload.toString("utf8")) as typeof st;
  } catch {
    return { error: "attestation payload is not JSON" };
  }
  if (typeof st !== "object" || st === null)
    return { error: "attestation payload is not an in-toto statement" };
  if (typeof st.predicateType !== "string" || !SBOM_PREDICATE.test(st.predicateType))
    return { error: `attestation is not an SBOM (${String(st.predicateType)})` };
  const hex = digest.replace(/^sha256:/, "");
  const subjects = Array.isArray(st.subject) ? (st.subject as Array<{ digest?: { sha256?: unknown } }>) : [];
  if (!subjects.some((s) => s?.digest?.sha256 === hex))
    return { error: "SBOM attestation names another image" };
  return { predicateType: st.predicateType };
}

async function envelopesOf(
  client: RegistryClient,
  found: Discovery,
  problems: string[],
): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (const r of found.referrers) {
    const bundle = SIGSTORE_BUNDLE.test(r.artifactType);
    const layers = r.layers.filter((l) => (bundle ? true : l.mediaType === DSSE_MEDIA_TYPE));
    if (!bundle && r.artifactType !== DSSE_MEDIA_TYPE && !layers.length) continue;
    for (const l of layers) {
      if (out.length >= MAX_ENVELOPES || typeof l.digest !== "string") continue;
      try {
        const json: unknown = JSON.parse((await client.blob(l.digest, "attestation")).toString("utf8"));
        const env = parseEnvelope(bundle ? (json as { dsseEnvelope?: unknown })?.dsseEnvelope : json, r.via);
        if (env) out.push(env);
        else if (!bundle) problems.push(`attestation ${l.digest} is not a DSSE envelope`);
      } catch (e) {
        problems.push(`attestation ${l.digest}: ${errorMessage(e)}`);
      }
    }
  }
  return out;
}

/**
 * Is an SBOM attestation about `digest` attached? With `keys`, one of them must have signed
 * its DSSE envelope; without (a policy that names no keys), an attestation naming the digest
 * is enough.
 */
export async function checkSbomAttestation(
  client: RegistryClient,
  digest: string,
  found: Discovery,
  keys: readonly KeyRef[],
): Promise<SignatureOutcome> {
  const problems: string[] = [];
  for (const env of await envelopesOf(client, found, problems)) {
    if (env.payloadType !== IN_TOTO_PAYLOAD) {
      problems.push(`attestation payload type ${env.payloadType} is not in-toto`);
      continue;
    }
    const st = sbomStatement(env.payload, digest);
    if ("error" in st) {
      problems.push(st.error);
      continue;
    }
    const signed = pae(env.payloadType, env.payload);
    const signer = keys.find((k) => env.signatures.some((s) => verifyBlob(k.key, signed, s)));
    if (keys.length && !signer) {
      problems.push("SBOM attestation does not verify with the policy's keys");
      continue;
    }
    const by = signer ? `, signed with ${signer.path}` : "";
    return { ok: true, detail: `${st.predicateType} attestation (${env.via})${by}` };
  }
  const all = [...new Set([...problems, ...found.problems])];
  return { ok: false, detail: all.length ? all.join("; ") : "no SBOM attestation found" };
}
