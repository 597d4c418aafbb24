/**
 * Typed vault errors. Each carries the HTTP status Vault would answer with and the
 * message Vault clients expect in `{"errors": [...]}`; the CLI shows the message as one line.
 */
import { BulwarkError, ExitCode } from "./deps.js";

export type VaultErrorCode =
  | "VAULT_INVALID_REQUEST"
  | "VAULT_PERMISSION_DENIED"
  | "VAULT_NOT_FOUND"
  | "VAULT_SEALED"
  | "VAULT_NOT_INITIALIZED"
  | "VAULT_ALREADY_INITIALIZED"
  | "VAULT_UNSEAL_FAILED"
  | "VAULT_CAS_MISMATCH"
  | "VAULT_TOO_LARGE"
  | "VAULT_UNSUPPORTED_METHOD"
  | "VAULT_UNSUPPORTED_MEDIA_TYPE"
  | "VAULT_DECRYPT_FAILED"
  | "VAULT_AUDIT_FAILED"
  | "VAULT_AUDIT_TAMPERED"
  | "VAULT_POLICY_SYNTAX"
  | "VAULT_INTERNAL";

const statusOf: Record<VaultErrorCode, number> = {
  VAULT_INVALID_REQUEST: 400,
  VAULT_PERMISSION_DENIED: 403,
  VAULT_NOT_FOUND: 404,
  VAULT_SEALED: 503,
  VAULT_NOT_INITIALIZED: 501,
  VAULT_ALREADY_INITIALIZED: 400,
  VAULT_UNSEAL_FAILED: 400,
  VAULT_CAS_MISMATCH: 400,
  VAULT_TOO_LARGE: 413,
  VAULT_UNSUPPORTED_METHOD: 405,
  VAULT_UNSUPPORTED_MEDIA_TYPE: 415,
  VAULT_DECRYPT_FAILED: 500,
  VAULT_AUDIT_FAILED: 500,
  VAULT_AUDIT_TAMPERED: 500,
  VAULT_POLICY_SYNTAX: 400,
  VAULT_INTERNAL: 500,
};

export class VaultError extends BulwarkError<VaultErrorCode> {
  readonly status: number;
  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.error, options);
    this.name = "VaultError";
    this.status = statusOf[code];
  }
}

export const permissionDenied = (): VaultError =>
  new VaultError("VAULT_PERMISSION_DENIED", "permission denied");
export const sealedError = (): VaultError => new VaultError("VAULT_SEALED", "Vault is sealed");
export const invalid = (message: string): VaultError => new VaultError("VAULT_INVALID_REQUEST", message);
