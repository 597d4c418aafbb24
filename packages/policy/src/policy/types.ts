import type { Severity } from "../deps.js";

export type Mode = "enforce" | "warn" | "audit";

import type { KeyRef } from "../signature/cosign.js";
import type { TrustRoot } from "../signature/trusted-root.js";

export type { KeyRef };

export type SignatureRequirement =
  | { kind: "keys"; keys: KeyRef[] }
  | { kind: "keyless"; issuer: string; subject?: string; subjectRegExp?: RegExp };

export interface PolicyException {
  image?: RegExp;
  imagePattern?: string;
  namespace?: string;
  /** End of the expiry day, UTC. */
  expires: Date;
  expiresText: string;
  reason: string;
  /** Rules it waives; all rules when absent. */
  rules?: string[];
}

/** One validated ImagePolicy document. */
export interface ImagePolicy {
  name: string;
  /** Where it came from, for messages: "FILE:LINE". */
  source: string;
  mode: Mode;
  registries?: { pattern: string; glob: RegExp }[];
  requireDigest: boolean;
  vulnerabilities?: {
    maxSeverity?: Severity;
    kev: "deny" | "allow";
    ignoreUnfixed: boolean;
    epssThreshold?: number;
    /** Deny a vulnerability whose fix was published more than this many days ago. */
    fixableOlderThanDays?: number;
    ignore: string[];
  };
  secrets: "deny" | "allow";
  misconfigurations: string[];
  maxAgeDays?: number;
  /** Admission only: the pod-spec misconfiguration checks that deny (by id, or at/above a severity). */
  podChecks?: { minSeverity?: Severity; deny: string[]; ignore: string[] };
  baseImages?: { reference?: string; glob?: RegExp; diffIds?: string[] }[];
  signatures: SignatureRequirement[];
  /** An in-toto SBOM attestation (SPDX or CycloneDX predicate) naming the digest must be attached. */
  requireSbomAttestation: boolean;
  exceptions: PolicyException[];
}

/** Every policy of a run, and a digest of their content (the decision cache key). */
export interface PolicySet {
  policies: ImagePolicy[];
  version: string;
  /** The Sigstore trusted root keyless entries verify against (`--trusted-root`). */
  trust?: TrustRoot;
}
