/**
 * Unseal from a passphrase or a key file, beside the Shamir shares: the root key is also
 * stored wrapped under a key derived from the passphrase (Argon2id) or the key file
 * (HKDF-SHA256; a key file is already high-entropy, so a slow KDF would add nothing). The
 * KDF parameters and salt are stored beside the wrapped root key, so they can be raised for
 * new wrappings without breaking old ones. A wrong passphrase fails the AES-GCM tag of the
 * wrapping: nothing is unsealed and nothing is written.
 */
import { hkdfSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hashRaw } from "@node-rs/argon2";
import { openBytes, sealBytes } from "../crypto/aead.js";
import { VaultError, invalid } from "../errors.js";
import type { Store } from "../store.js";

export type UnsealMethod = "passphrase" | "key-file";

/** Argon2id: RFC 9106's second recommended option with one lane (64 MiB, 3 passes). */
export const DEFAULT_ARGON2 = { m: 65536, t: 3, p: 1 } as const;
export const MIN_PASSPHRASE = 12;
export const MIN_KEY_FILE_BYTES = 32;

type KdfParams =
  { alg: "argon2id"; m: number; t: number; p: number; salt: string } | { alg: "hkdf-sha256"; salt: string };

interface MethodRow {
  kind: UnsealMethod;
  params: string;
  wrapped: string;
}

const aadOf = (kind: UnsealMethod): string => `bulwark-vault-unseal|${kind}`;
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable under isolatedModules)

/** Refuses stored parameters that would make unsealing hang or exhaust memory (a tampered row). */
function checkParams(p: KdfParams): void {
  const okSalt = /^[A-Za-z0-9+/]{22,}={0,2}$/.test(p.salt);
  if (p.alg === "hkdf-sha256" && okSalt) return;
  if (
    p.alg === "argon2id" &&
    okSalt &&
    Number.isInteger(p.m) &&
    p.m >= 8192 &&
    p.m <= 4 * 1024 * 1024 &&
    Number.isInteger(p.t) &&
    p.t >= 1 &&
    p.t <= 20 &&
    Number.isInteger(p.p) &&
    p.p >= 1 &&
    p.p <= 16
  )
    return;
  throw new VaultError("VAULT_UNSEAL_FAILED", "unseal failed: stored key-derivation parameters are invalid");
}

async function deriveKey(secret: Buffer, p: KdfParams): Promise<Buffer> {
  checkParams(p);
  const salt = Buffer.from(p.salt, "base64");
  if (p.alg === "hkdf-sha256")
    return Buffer.from(hkdfSync("sha256", secret, salt, "bulwark-vault-unseal-key-file", 32));
  return hashRaw(secret, {
    algorithm: ARGON2ID,
    memoryCost: p.m,
    timeCost: p.t,
    parallelism: p.p,
    outputLen: 32,
    salt,
  });
}

/** The secret bytes of a passphrase (one trailing newline of a file is not part of it). */
export function passphraseSecret(passphrase: unknown): Buffer {
  if (typeof passphrase !== "string" || passphrase.length === 0)
    throw invalid("missing required 'passphrase' parameter");
  return Buffer.from(passphrase.replace(/\r?\n$/, ""), "utf8");
}

export function readPassphraseFile(file: string): Buffer {
  return passphraseSecret(readSecretFile(file, "passphrase file").toString("utf8"));
}

export function readKeyFile(file: string): Buffer {
  const raw = readSecretFile(file, "key file");
  if (raw.length < MIN_KEY_FILE_BYTES)
    throw invalid(`key file ${file} holds ${raw.length} bytes; at least ${MIN_KEY_FILE_BYTES} are needed`);
  return raw;
}

function readSecretFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file === "-" ? 0 : file);
  } catch (e) {
    throw invalid(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
}

/** Refuses a passphrase or key file too weak to guard the root key. */
export function checkUnsealSecret(kind: UnsealMethod, secret: Buffer): void {
  if (kind === "passphrase" && [...secret.toString("utf8")].length < MIN_PASSPHRASE)
    throw invalid(`passphrase too short: at least ${MIN_PASSPHRASE} characters`);
  if (kind === "key-file" && secret.length < MIN_KEY_FILE_BYTES)
    throw invalid(`key file too short: at least ${MIN_KEY_FILE_BYTES} bytes`);
}

/** Stores (or replaces) the root key wrapped under a key derived from `secret`. */
export async function addUnsealMethod(
  store: Store,
  kind: UnsealMethod,
  secret: Buffer,
  rootKey: Buffer,
  argon2: { m: number; t: number; p: number } = DEFAULT_ARGON2,
): Promise<void> {
  checkUnsealSecret(kind, secret);
  const salt = randomBytes(16).toString("base64");
  const params: KdfParams =
    kind === "passphrase" ? { alg: "argon2id", ...argon2, salt } : { alg: "hkdf-sha256", salt };
  const key = await deriveKey(secret, params);
  try {
    await store.exec(
      `INSERT INTO vault_unseal_methods (kind, params, wrapped, created) VALUES ($1,$2,$3,$4)
       ON CONFLICT (kind) DO UPDATE SET params = excluded.params, wrapped = excluded.wrapped, created = excluded.created`,
      [kind, JSON.stringify(params), sealBytes(key, rootKey, aadOf(kind)), Date.now()],
    );
  } finally {
    key.fill(0);
  }
}

export async function removeUnsealMethod(store: Store, kind: UnsealMethod): Promise<void> {
  await store.exec("DELETE FROM vault_unseal_methods WHERE kind = $1", [kind]);
}

export async function unsealMethods(store: Store): Promise<UnsealMethod[]> {
  const rows = await store.query<{ kind: UnsealMethod }>(
    "SELECT kind FROM vault_unseal_methods ORDER BY kind",
  );
  return rows.map((r) => r.kind);
}

/** The root key, recovered from a passphrase or key file; the caller wipes it. */
export async function recoverRootKey(store: Store, kind: UnsealMethod, secret: Buffer): Promise<Buffer> {
  const rows = await store.query<MethodRow>(
    "SELECT kind, params, wrapped FROM vault_unseal_methods WHERE kind = $1",
    [kind],
  );
  const row = rows[0];
  if (!row) throw invalid(`unseal failed: no ${kind} is set up for this vault`);
  let params: KdfParams;
  try {
    params = JSON.parse(row.params) as KdfParams;
  } catch {
    throw new VaultError(
      "VAULT_UNSEAL_FAILED",
      "unseal failed: stored key-derivation parameters are invalid",
    );
  }
  const key = await deriveKey(secret, params);
  try {
    return openBytes(key, row.wrapped, aadOf(kind));
  } catch {
    throw new VaultError(
      "VAULT_UNSEAL_FAILED",
      `unseal failed: wrong ${kind === "passphrase" ? "passphrase" : "key file"}`,
    );
  } finally {
    key.fill(0);
  }
}
