import type { ImageReference } from "../deps.js";
import { SBOM_ATTESTATION, signatureKey, type SignatureOutcome } from "./facts.js";
import type { PolicySet } from "./types.js";
import { checkSbomAttestation } from "../signature/attestation.js";
import { fetchSignatures, verifyWithKeys, type SignatureArtifact } from "../signature/cosign.js";
import { discoverReferrers, type Discovery } from "../signature/referrers.js";
import { registryClient, type RegistryAccess } from "../signature/registry-access.js";
import { verifyKeyless } from "../signature/keyless-cosign.js";

export type { RegistryAccess };

/**
 * Check every `signatures` entry of every policy against the image `ref@digest`. The
 * signature artifact is fetched once whatever the number of entries; `requireSbomAttestation`
 * adds a "policy#sbom" outcome from the same discovery. Registry failures
 * propagate: a signature that could not be checked must never read as "unsigned but fine".
 */
export async function checkSignatures(
  set: PolicySet,
  ref: ImageReference | undefined,
  digest: string | undefined,
  access: RegistryAccess,
): Promise<Map<string, SignatureOutcome>> {
  const out = new Map<string, SignatureOutcome>();
  const wanted = set.policies.some((p) => p.signatures.length || p.requireSbomAttestation);
  if (!wanted) return out;
  let artifact: SignatureArtifact | undefined;
  let found: Discovery | undefined;
  const discover = async (r: ImageReference, d: string) =>
    (found ??= await discoverReferrers(registryClient(r, access), d));
  for (const p of set.policies) {
    if (p.requireSbomAttestation) {
      const key = signatureKey(p.name, SBOM_ATTESTATION);
      if (!ref || !digest) out.set(key, { ok: false, detail: "only registry images can carry attestations" });
      else {
        const keys = p.signatures.flatMap((s) => (s.kind === "keys" ? s.keys : []));
        out.set(
          key,
          await checkSbomAttestation(registryClient(ref, access), digest, await discover(ref, digest), keys),
        );
      }
    }
    for (const [i, req] of p.signatures.entries()) {
      const key = signatureKey(p.name, i);
      if (!ref || !digest) {
        out.set(key, { ok: false, detail: "only registry images can carry signatures" });
        continue;
      }
      if (req.kind === "keyless" && !set.trust) {
        // Never fetched: admission runs where the public-good root cannot be reached.
        out.set(key, { ok: false, detail: "keyless: no Sigstore trusted root given (--trusted-root FILE)" });
        continue;
      }
      artifact ??= await fetchSignatures(registryClient(ref, access), digest, await discover(ref, digest));
      if (req.kind === "keys") out.set(key, verifyWithKeys(artifact, digest, req.keys));
      else if (set.trust) out.set(key, verifyKeyless(artifact, digest, req, set.trust));
    }
  }
  return out;
}
