/**
 * Init, unseal and seal (Vault's model): init splits a random root key into Shamir shares
 * and stores the keyring encrypted under it; unseal collects shares until the threshold,
 * reconstructs the root key and opens the keyring. Wrong shares leave the vault sealed.
 */
import { randomBytes } from "node:crypto";
import { combineShares, splitSecret } from "../crypto/shamir.js";
import { VaultError, invalid, sealedError } from "../errors.js";
import { type Store, isUniqueViolation } from "../store.js";
import { newId } from "../util.js";
import { newKeyring, openKeyring, sealKeyring, wipeKeyring, type Keyring } from "./keyring.js";

export interface SealStatus {
  type: "shamir";
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  nonce: string;
  version: string;
  build_date: string;
  migration: boolean;
  recovery_seal: boolean;
  storage_type: string;
}

interface SealRow {
  shares: number;
  threshold: number;
  keyring: string;
}

export function decodeShare(key: unknown): Buffer {
  if (typeof key !== "string" || key.length === 0) throw invalid("missing required 'key' parameter");
  if (/^[0-9a-fA-F]+$/.test(key) && key.length % 2 === 0) return Buffer.from(key, "hex");
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return Buffer.from(key, "base64");
  throw invalid("'key' must be a valid hex or base64 string");
}

export class SealManager {
  private keyring: Keyring | undefined;
  private pending: Buffer[] = [];
  private nonce = "";
  private rootKey: Buffer | undefined;

  constructor(private readonly store: Store) {}

  private async row(): Promise<SealRow | undefined> {
    const rows = await this.store.query<SealRow>(
      "SELECT shares, threshold, keyring FROM vault_seal WHERE id = 1",
    );
    return rows[0];
  }

  async status(storageType: string): Promise<SealStatus> {
    const row = await this.row();
    return {
      type: "shamir",
      initialized: row !== undefined,
      sealed: this.keyring === undefined,
      t: row?.threshold ?? 0,
      n: row?.shares ?? 0,
      progress: this.pending.length,
      nonce: this.nonce,
      version: "1.15.0+bulwark",
      build_date: "2026-01-01T00:00:00Z",
      migration: false,
      recovery_seal: false,
      storage_type: storageType,
    };
  }

  get unsealed(): boolean {
    return this.keyring !== undefined;
  }

  /** The keyring; throws "Vault is sealed" (503) while sealed. */
  keys(): Keyring {
    if (!this.keyring) throw sealedError();
    return this.keyring;
  }

  async initialize(shares: number, threshold: number): Promise<{ keys: Buffer[]; rootKey: Buffer }> {
    if ((await this.row()) !== undefined)
      throw new VaultError("VAULT_ALREADY_INITIALIZED", "Vault is already initialized");
    const rootKey = randomBytes(32);
    const keys = splitSecret(rootKey, shares, threshold);
    const keyring = newKeyring();
    try {
      await this.store.exec(
        "INSERT INTO vault_seal (id, shares, threshold, keyring, created) VALUES (1, $1, $2, $3, $4)",
        [shares, threshold, sealKeyring(rootKey, keyring), Date.now()],
      );
    } catch (e) {
      if (isUniqueViolation(e))
        throw new VaultError("VAULT_ALREADY_INITIALIZED", "Vault is already initialized");
      throw e;
    }
    wipeKeyring(keyring);
    return { keys, rootKey };
  }

  /** Adds one share; returns true once unsealed. Wrong keys reset progress and throw. */
  async submit(key: unknown, reset: boolean): Promise<boolean> {
    if (reset) {
      this.resetProgress();
      return this.unsealed;
    }
    const row = await this.row();
    if (!row) throw new VaultError("VAULT_NOT_INITIALIZED", "Vault is not initialized");
    if (this.keyring) return true;
    const share = decodeShare(key);
    if (this.pending.some((p) => p.equals(share))) return false; // Vault ignores a repeated key
    if (this.pending.length === 0) this.nonce = newId();
    this.pending.push(share);
    if (this.pending.length < row.threshold) return false;
    const shares = this.pending;
    // progress restarts whatever the outcome (wrong keys must be entered again from scratch)
    this.pending = [];
    this.nonce = "";
    const rootKey = combineShares(shares);
    for (const s of shares) s.fill(0);
    try {
      this.keyring = openKeyring(rootKey, row.keyring);
    } catch (e) {
      rootKey.fill(0);
      throw e;
    }
    // like Vault, the root key stays in memory while unsealed so the keyring can be rotated
    this.rootKey = rootKey;
    return true;
  }

  private resetProgress(): void {
    for (const s of this.pending) s.fill(0);
    this.pending = [];
    this.nonce = "";
  }

  seal(): void {
    if (this.keyring) wipeKeyring(this.keyring);
    this.rootKey?.fill(0);
    this.keyring = undefined;
    this.rootKey = undefined;
    this.resetProgress();
  }

  /** Unseals with the root key itself (right after init, or from `vault serve --unseal-key-file`). */
  async unsealWithRootKey(rootKey: Buffer): Promise<void> {
    const row = await this.row();
    if (!row) throw new VaultError("VAULT_NOT_INITIALIZED", "Vault is not initialized");
    this.keyring = openKeyring(rootKey, row.keyring);
    this.rootKey = Buffer.from(rootKey);
  }

  /** The root key while unsealed (to wrap it for another unseal method); the caller must not keep it. */
  rootKeyInUse(): Buffer {
    this.keys();
    return this.rootKey!;
  }

  /** Adds a new active KEK version and stores the keyring re-encrypted under the root key. */
  async addKek(): Promise<number> {
    const k = this.keys();
    const next = Math.max(...k.keks.keys()) + 1;
    const keks = new Map(k.keks).set(next, randomBytes(32));
    await this.store.exec("UPDATE vault_seal SET keyring = $1 WHERE id = 1", [
      sealKeyring(this.rootKey!, { ...k, keks, active: next }),
    ]);
    // memory changes only after the stored keyring holds the new key
    k.keks.set(next, keks.get(next)!);
    k.active = next;
    return next;
  }
}
