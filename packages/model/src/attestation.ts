/**
 * Workload attestations (issue 16, workload identities): the runtime agent, which knows from
 * the container runtime's own state what a container is (id, image digest, Kubernetes
 * namespace), signs that knowledge; the vault checks the signature against the agent keys it
 * was configured to trust and issues a short-lived token. The workload holds no pre-shared
 * secret. The format is a compact JWS (RFC 7515) signed with Ed25519 (`alg: EdDSA`, RFC 8037),
 * so any JOSE library can read it; both ends here use node:crypto.
 */
import { createHash, sign, verify, type KeyObject } from "node:crypto";

export const ATTESTATION_TYPE = "bulwark-attestation+jwt";
export const ATTESTATION_AUDIENCE = "bulwark-vault";

/** What the agent vouches for. Absent fields are unknown to it, never guessed. */
export interface AttestationClaims {
  iss: "bulwark-runtime";
  aud: string;
  /** The container id. */
  sub: string;
  iat: number;
  exp: number;
  /** Unique per attestation: the vault accepts each one once. */
  jti: string;
  image_digest?: string;
  image?: string;
  namespace?: string;
  service_account?: string;
  pod?: string;
  runtime?: string;
}

/** kid: the first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function attestationKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

export function signAttestation(
  claims: AttestationClaims,
  privateKey: KeyObject,
  publicKey: KeyObject,
): string {
  const header = { alg: "EdDSA", typ: ATTESTATION_TYPE, kid: attestationKeyId(publicKey) };
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString("base64url")}`;
}

/** Why an attestation was refused; the vault maps every reason to one 400/403 line. */
export class AttestationError extends Error {}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AttestationError(`attestation ${what} is not a base64url JSON object`);
}

/**
 * Checks the signature against the trusted keys (by kid) and returns the claims. Does not
 * judge time, audience or reuse: the caller does, with its own clock and replay record.
 */
export function verifyAttestation(token: string, trusted: readonly KeyObject[]): AttestationClaims {
  if (token.length > 16_384) throw new AttestationError("attestation too long");
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p)))
    throw new AttestationError("attestation is not a compact JWS (three base64url parts)");
  const [h, c, s] = parts as [string, string, string];
  const header = decodeJson(h, "header");
  if (header["alg"] !== "EdDSA" || header["typ"] !== ATTESTATION_TYPE)
    throw new AttestationError(`attestation header must be alg EdDSA, typ ${ATTESTATION_TYPE}`);
  const key = trusted.find((k) => attestationKeyId(k) === header["kid"]);
  if (!key) throw new AttestationError("attestation signed by an agent key the vault does not trust");
  if (!verify(null, Buffer.from(`${h}.${c}`), key, Buffer.from(s, "base64url")))
    throw new AttestationError("attestation signature does not verify");
  const claims = decodeJson(c, "claims");
  for (const k of ["sub", "jti", "aud"] as const)
    if (typeof claims[k] !== "string" || claims[k] === "")
      throw new AttestationError(`attestation claim "${k}" missing`);
  for (const k of ["iat", "exp"] as const)
    if (typeof claims[k] !== "number" || !Number.isFinite(claims[k]))
      throw new AttestationError(`attestation claim "${k}" missing`);
  return claims as unknown as AttestationClaims;
}
