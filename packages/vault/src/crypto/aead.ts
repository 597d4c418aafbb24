/**
 * AES-256-GCM with associated data. The associated data binds a ciphertext to where it
 * belongs (mount, path, version), so a ciphertext copied to another row does not decrypt.
 * Format: "g1:" + base64(nonce(12) | ciphertext | tag(16)).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { VaultError } from "../errors.js";

const PREFIX = "g1:";
const NONCE = 12;
const TAG = 16;

export function sealBytes(key: Buffer, plaintext: Buffer, aad: string): string {
  if (key.length !== 32) throw new VaultError("VAULT_INTERNAL", "encryption key must be 32 bytes");
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64");
}

export function openBytes(key: Buffer, sealed: string, aad: string): Buffer {
  const fail = (why: string): VaultError =>
    new VaultError("VAULT_DECRYPT_FAILED", `ciphertext rejected: ${why}`);
  if (!sealed.startsWith(PREFIX)) throw fail("unknown format");
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
  if (raw.length < NONCE + TAG) throw fail("too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(raw.subarray(raw.length - TAG));
  try {
    return Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]);
  } catch {
    throw fail("authentication failed (tampered or moved)");
  }
}

/**
 * Envelope encryption of one value: a fresh data key encrypts the value; the KEK wraps
 * the data key. Both are bound to `aad`.
 */
export interface Envelope {
  wrappedKey: string;
  ciphertext: string;
}

export function encryptEnvelope(kek: Buffer, plaintext: Buffer, aad: string): Envelope {
  const dek = randomBytes(32);
  try {
    return {
      wrappedKey: sealBytes(kek, dek, `dek|${aad}`),
      ciphertext: sealBytes(dek, plaintext, `value|${aad}`),
    };
  } finally {
    dek.fill(0);
  }
}

export function decryptEnvelope(kek: Buffer, env: Envelope, aad: string): Buffer {
  const dek = openBytes(kek, env.wrappedKey, `dek|${aad}`);
  try {
    return openBytes(dek, env.ciphertext, `value|${aad}`);
  } finally {
    dek.fill(0);
  }
}

/** Re-wraps a data key under a new KEK without touching the value ciphertext. */
export function rewrapKey(oldKek: Buffer, newKek: Buffer, wrappedKey: string, aad: string): string {
  const dek = openBytes(oldKek, wrappedKey, `dek|${aad}`);
  try {
    return sealBytes(newKek, dek, `dek|${aad}`);
  } finally {
    dek.fill(0);
  }
}
