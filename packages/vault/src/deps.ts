/** What the vault uses from the packages before it (the leak scan runs the scanner's own secret analyzer). */
export { BulwarkError, ExitCode } from "@bulwark/model";
export {
  buildContext,
  imageLayerHits,
  imageConfigHits,
  secretAnalyzer,
  scanTree,
  withImageInput,
  cacheDir as defaultCacheDir,
} from "@bulwark/scanner";
/** Workload attestations: the format the runtime agent signs (see model's attestation.ts). */
export {
  ATTESTATION_AUDIENCE,
  AttestationError,
  verifyAttestation,
  type AttestationClaims,
} from "@bulwark/model";
export type { Finding, Report, SecretFinding, Severity } from "@bulwark/model";
