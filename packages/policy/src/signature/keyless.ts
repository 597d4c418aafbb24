import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { X509Certificate } from "@sigstore/core";
import { Verifier, toSignedEntity, type Signer, type SignedEntity } from "@sigstore/verify";
import { errorMessage } from "../deps.js";
import { explain } from "./keyless-errors.js";
import type { TrustRoot } from "./trusted-root.js";

/** The certificate identity a policy's `keyless` entry demands. */
export interface KeylessIdentity {
  issuer: string;
  subject?: string;
  subjectRegExp?: RegExp;
}

/** A verified signer, or why the bundle was refused. */
export type KeylessResult = { ok: true; identity: string; issuer: string } | { ok: false; detail: string };

/**
 * Parse a Sigstore bundle's JSON form. The library's parser trusts its input's shape, so a
 * value that is not one throws from deep inside; any throw here is "not a bundle".
 */
export function parseBundle(json: unknown): Bundle | { error: string } {
  try {
    const b = bundleFromJSON(json);
    if (!b.verificationMaterial?.content || !b.content) return { error: "not a Sigstore bundle" };
    return b;
  } catch (e) {
    return { error: `not a Sigstore bundle (${errorMessage(e).split("\n")[0]})` };
  }
}

function leafOf(bundle: Bundle): X509Certificate | undefined {
  const c = bundle.verificationMaterial.content;
  const raw =
    c.$case === "certificate"
      ? c.certificate.rawBytes
      : c.$case === "x509CertificateChain"
        ? c.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  try {
    return raw ? X509Certificate.parse(Buffer.from(raw)) : undefined;
  } catch {
    return undefined;
  }
}

/** The identity rule of a policy entry against the certificate's SAN and OIDC issuer. */
export function matchIdentity(signer: Signer, want: KeylessIdentity): KeylessResult {
  const san = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  if (!san) return { ok: false, detail: "keyless: the certificate names no identity (SAN)" };
  if (issuer !== want.issuer)
    return {
      ok: false,
      detail: `keyless: certificate issuer ${JSON.stringify(issuer ?? "(none)")} is not ${JSON.stringify(want.issuer)}`,
    };
  if (want.subject !== undefined && san !== want.subject)
    return {
      ok: false,
      detail: `keyless: certificate identity ${JSON.stringify(san)} is not ${JSON.stringify(want.subject)}`,
    };
  if (want.subjectRegExp && !want.subjectRegExp.test(san))
    return {
      ok: false,
      detail: `keyless: certificate identity ${JSON.stringify(san)} does not match subjectRegExp ${want.subjectRegExp.source}`,
    };
  return { ok: true, identity: san, issuer };
}

/**
 * Verify a bundle with `@sigstore/verify`: the certificate chains to a CA of the trusted root
 * at a trusted time (a transparency-log entry's signed time or an RFC 3161 timestamp — a
 * Fulcio certificate lives minutes, so "now" can never be the time), the log entry is signed
 * by a log of the root and matches the signature, the signature verifies over the content
 * (`artifact` for a message signature, the DSSE payload otherwise), then the identity.
 */
export function verifyBundle(
  bundle: Bundle,
  artifact: Buffer | undefined,
  want: KeylessIdentity,
  trust: TrustRoot,
): KeylessResult {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, artifact);
  } catch (e) {
    return { ok: false, detail: `keyless: unreadable bundle (${errorMessage(e).split("\n")[0]})` };
  }
  const verifier = new Verifier(trust.material, {
    ctlogThreshold: trust.ctlogs ? 1 : 0,
    tlogThreshold: 1,
    timestampThreshold: 1,
  });
  let signer: Signer;
  try {
    signer = verifier.verify(entity);
  } catch (e) {
    return { ok: false, detail: `keyless: ${explain(e, leafOf(bundle), entity, trust)}` };
  }
  return matchIdentity(signer, want);
}

/** The predicate type of a cosign v3 image signature (an in-toto statement in a DSSE envelope). */
export const SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
const IN_TOTO = "application/vnd.in-toto+json";

/** The statement's predicate type and the sha256 digests of its subjects, or why it has none. */
function statementOf(bundle: Bundle): { predicateType: unknown; digests: string[] } | { error: string } {
  if (bundle.content.$case !== "dsseEnvelope") return { error: "bundle holds no DSSE envelope" };
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO) return { error: `payload type ${env.payloadType} is not in-toto` };
  let st: { predicateType?: unknown; subject?: unknown };
  try {
    st = JSON.parse(env.payload.toString("utf8")) as typeof st;
  } catch {
    return { error: "the in-toto statement is not JSON" };
  }
  const subjects = Array.isArray(st?.subject) ? (st.subject as { digest?: { sha256?: unknown } }[]) : [];
  const digests = subjects.flatMap((s) =>
    typeof s?.digest?.sha256 === "string" ? [`sha256:${s.digest.sha256}`] : [],
  );
  return { predicateType: st?.predicateType, digests };
}

/**
 * A Sigstore bundle attached to an image (cosign v3 `sign`, or an attestation): it verifies
 * (see {@link verifyBundle}), its statement has `predicateType` and names `digest` as a subject.
 */
export function verifyImageBundle(
  json: unknown,
  digest: string,
  want: KeylessIdentity,
  trust: TrustRoot,
  predicateType = SIGN_PREDICATE,
): { ok: boolean; detail: string } {
  const bundle = parseBundle(json);
  if ("error" in bundle) return { ok: false, detail: `keyless: ${bundle.error}` };
  const st = statementOf(bundle);
  if ("error" in st) return { ok: false, detail: `keyless: ${st.error}` };
  const r = verifyBundle(bundle, undefined, want, trust);
  if (!r.ok) return r;
  if (st.predicateType !== predicateType)
    return {
      ok: false,
      detail: `keyless: predicate type ${String(st.predicateType)} is not ${predicateType}`,
    };
  if (!st.digests.includes(digest))
    return {
      ok: false,
      detail: `keyless: the signed statement names other images (${st.digests.join(", ") || "none"})`,
    };
  return { ok: true, detail: `signed by ${r.identity} (${r.issuer})` };
}
