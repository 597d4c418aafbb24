/** Public API of the vault package (issue 16). */
export { VaultCore, DEFAULT_POLICY, type VaultAlert, type CoreOptions } from "./core.js";
export { describeAlert, type VaultAlertKind, type AlertWorkload } from "./alerts.js";
export { openVault, type OpenVaultOptions, type OpenedVault } from "./open.js";
export { attachVault, type AttachVaultOptions, type AttachedVault } from "./attach.js";
export { startHttp, MAX_BODY_BYTES, type VaultHttpServer } from "./http/server.js";
export { AuditLog, verifyAuditLog, type VerifyResult } from "./audit/log.js";
export { VaultError, type VaultErrorCode } from "./errors.js";
export { parsePolicy, type Policy, type Capability } from "./policy/policy.js";
export { Acl } from "./policy/acl.js";
export { splitSecret, combineShares } from "./crypto/shamir.js";
export { encryptEnvelope, decryptEnvelope } from "./crypto/aead.js";
export { vaultMigrations } from "./storage/migrations.js";
export { registerVault } from "./cli/vault.js";
export { markVaultLeaks, applyVaultLeaks, type VaultLeakOptions } from "./leaks/mark.js";
