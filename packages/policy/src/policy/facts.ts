import type { Finding, ImageReference } from "../deps.js";
import type { SignatureOutcome } from "../signature/outcome.js";

/** What the policy judges about one image: gathered by a scan, or read back from the catalog. */
export interface ImageFacts {
  /** The target as the user or the pod spec wrote it. */
  target: string;
  /** Set for registry images. */
  ref?: ImageReference;
  /** Manifest digest (resolved), when the image has a manifest. */
  digest?: string;
  /** ISO time from the image config. */
  created?: string;
  /** Layer diffIDs, base first. */
  diffIds: string[];
  /** `org.opencontainers.image.base.name` label or annotation, when the build recorded it. */
  baseName?: string;
  findings: Finding[];
  /**
   * False when only the manifest and config were read (admission without a catalog entry):
   * rules that need the layers (vulnerabilities, secrets, misconfigurations) then deny
   * with "not scanned" rather than pass on an empty finding list.
   */
  scanned: boolean;
}

/** The outcome of checking one `signatures` entry of a policy against the image. */
// Defined beside the verifiers that produce it (signature/ comes before policy/).
export type { SignatureOutcome };

/** Signature outcomes by policy name and entry index ("prod#0"). */
export type SignatureOutcomes = ReadonlyMap<string, SignatureOutcome>;

/** The outcome key of a policy's `requireSbomAttestation` check, beside its signature entries. */
export const SBOM_ATTESTATION = "sbom";

export function signatureKey(policy: string, index: number | typeof SBOM_ATTESTATION): string {
  return `${policy}#${index}`;
}
