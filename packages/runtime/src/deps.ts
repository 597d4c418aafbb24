/** What the runtime package uses from the packages before it. */
export { BulwarkError, cacheDir, defaultDataDir, ExitCode, readBoundedFileSync } from "@bulwark/model";
export { ATTESTATION_AUDIENCE, signAttestation, type AttestationClaims } from "@bulwark/model";
export type { AlertUpload as ModelAlertUpload, EvidenceUpload } from "@bulwark/model";
