import type { X509Certificate } from "@sigstore/core";
import { PolicyError as SigstorePolicyError, VerificationError, type SignedEntity } from "@sigstore/verify";
import { errorMessage } from "../deps.js";
import type { TrustRoot } from "./trusted-root.js";

/** The times a bundle claims for its signature (unverified: for messages only). */
function claimedTimes(entity: SignedEntity): Date[] {
  return entity.timestamps.map((t) =>
    t.$case === "transparency-log"
      ? new Date(Number(t.tlogEntry.integratedTime) * 1000)
      : t.timestamp.signingTime,
  );
}

const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z");

function validity(leaf: X509Certificate): string {
  return `valid ${iso(leaf.notBefore)} to ${iso(leaf.notAfter)}`;
}

/** Was `leaf` signed by a certificate of the trusted root's CAs (at any time)? */
function issuedByTrustedCa(leaf: X509Certificate, trust: TrustRoot): boolean {
  return trust.material.certificateAuthorities.some((ca) =>
    ca.certChain.some((c) => {
      try {
        return c.subject.equals(leaf.issuer) && leaf.verify(c);
      } catch {
        return false;
      }
    }),
  );
}

function certificateProblem(
  message: string,
  leaf: X509Certificate | undefined,
  entity: SignedEntity,
): string {
  if (message.includes("SCT")) return "the certificate carries no SCT from a CT log of the trusted root";
  const outside = leaf ? claimedTimes(entity).find((t) => !leaf.validForDate(t)) : undefined;
  if (leaf && outside)
    return `the certificate (${validity(leaf)}) was not valid at the signing time ${iso(outside)}`;
  return "the certificate does not chain to a certificate authority of the trusted root";
}

/**
 * One line naming why `@sigstore/verify` refused a bundle, in the policy's terms. The
 * library's codes are stable; its messages are terse ("Failed to verify certificate chain"),
 * so the cases a policy author meets (expired certificate, foreign root, changed payload,
 * missing log entry) are spelled out.
 */
export function explain(
  e: unknown,
  leaf: X509Certificate | undefined,
  entity: SignedEntity,
  trust: TrustRoot,
): string {
  if (e instanceof SigstorePolicyError) return e.message;
  if (!(e instanceof VerificationError)) return `verification failed (${errorMessage(e).split("\n")[0]})`;
  // A foreign root fails every check at once; name the root, not whichever check ran first.
  if (leaf && !issuedByTrustedCa(leaf, trust))
    return `the certificate was not issued by a certificate authority of the trusted root ${trust.file}`;
  switch (e.code) {
    case "TIMESTAMP_ERROR":
      if (e.message.startsWith("expected")) {
        const expired = leaf && leaf.notAfter < new Date();
        return expired
          ? `the certificate expired at ${iso(leaf.notAfter)} and no trusted timestamp (log entry or RFC 3161) shows it was used while valid`
          : "no trusted timestamp (transparency-log inclusion promise or RFC 3161 timestamp)";
      }
      return `the RFC 3161 timestamp does not verify against the timestamp authorities of ${trust.file}`;
    case "CERTIFICATE_ERROR":
      return certificateProblem(e.message, leaf, entity);
    case "TLOG_ERROR":
      return "no transparency-log entry";
    case "TLOG_INCLUSION_PROMISE_ERROR":
    case "TLOG_INCLUSION_PROOF_ERROR":
    case "TLOG_MISSING_INCLUSION_ERROR":
      return `the transparency-log entry is not proven by a log of the trusted root (${e.message})`;
    case "TLOG_BODY_ERROR":
      return `the transparency-log entry records another signature or payload (${e.message}): the signed content was changed`;
    case "SIGNATURE_ERROR":
      return "the signature does not verify with the certificate's key: the signed content was changed";
    default:
      return `${e.code}: ${e.message}`;
  }
}
