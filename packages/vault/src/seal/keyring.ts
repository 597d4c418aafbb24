/**
 * The keyring: the key-encryption keys (by version), the audit HMAC key and the leak
 * fingerprint key. Stored only encrypted under the root key that the unseal shares
 * reconstruct; held in memory only while unsealed.
 */
import { randomBytes } from "node:crypto";
import { openBytes, sealBytes } from "../crypto/aead.js";
import { VaultError } from "../errors.js";

const AAD = "bulwark-vault-keyring-v1";

export interface Keyring {
  active: number;
  keks: Map<number, Buffer>;
  auditKey: Buffer;
  fingerprintKey: Buffer;
}

interface KeyringJson {
  active: number;
  keks: Array<[number, string]>;
  auditKey: string;
  fingerprintKey: string;
}

export function newKeyring(): Keyring {
  return {
    active: 1,
    keks: new Map([[1, randomBytes(32)]]),
    auditKey: randomBytes(32),
    fingerprintKey: randomBytes(32),
  };
}

export function sealKeyring(rootKey: Buffer, k: Keyring): string {
  const json: KeyringJson = {
    active: k.active,
    keks: [...k.keks].map(([v, key]) => [v, key.toString("base64")]),
    auditKey: k.auditKey.toString("base64"),
    fingerprintKey: k.fingerprintKey.toString("base64"),
  };
  return sealBytes(rootKey, Buffer.from(JSON.stringify(json)), AAD);
}

/** Throws VAULT_UNSEAL_FAILED when the root key is wrong (the GCM tag does not verify). */
export function openKeyring(rootKey: Buffer, sealed: string): Keyring {
  let raw: Buffer;
  try {
    raw = openBytes(rootKey, sealed, AAD);
  } catch {
    throw new VaultError(
      "VAULT_UNSEAL_FAILED",
      "unseal failed: the unseal keys do not reconstruct the root key",
    );
  }
  const json = JSON.parse(raw.toString("utf8")) as KeyringJson;
  raw.fill(0);
  return {
    active: json.active,
    keks: new Map(json.keks.map(([v, key]) => [v, Buffer.from(key, "base64")])),
    auditKey: Buffer.from(json.auditKey, "base64"),
    fingerprintKey: Buffer.from(json.fingerprintKey, "base64"),
  };
}

export function wipeKeyring(k: Keyring): void {
  for (const key of k.keks.values()) key.fill(0);
  k.auditKey.fill(0);
  k.fingerprintKey.fill(0);
}
