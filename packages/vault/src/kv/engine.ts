/**
 * KV version 2: versioned secrets with check-and-set, soft delete, undelete, destroy and
 * metadata. Every version is envelope-encrypted with its own data key, bound to
 * mount|path|version, so a ciphertext copied to another version or path is rejected.
 */
import { createHash, createHmac } from "node:crypto";
import { decryptEnvelope, encryptEnvelope } from "../crypto/aead.js";
import { VaultError, invalid } from "../errors.js";
import type { Keyring } from "../seal/keyring.js";
import type { Store } from "../store.js";
import { iso } from "../util.js";
import { checkSecretPath, encodeSecretData } from "./paths.js";

export const DEFAULT_MAX_VERSIONS = 10;

export interface MetaRow {
  current_version: number;
  oldest_version: number;
  max_versions: number;
  cas_required: number;
  delete_version_after: number;
  custom_metadata: string;
  created: number;
  updated: number;
}

interface VersionRow {
  version: number;
  created: number;
  deletion: number;
  destroyed: number;
  kek_version: number;
  wrapped_key: string;
  ciphertext: string;
}

export interface VersionMeta {
  created_time: string;
  custom_metadata: Record<string, string> | null;
  deletion_time: string;
  destroyed: boolean;
  version: number;
}

export const aadOf = (mount: string, path: string, version: number): string => `${mount}|${path}|${version}`;

/**
 * Keyed fingerprint of a value, for leak matching without plaintext comparison: an HMAC of
 * the value's SHA-256, because the scanners report each secret they find as its SHA-256.
 */
export function fingerprintOfHash(key: Buffer, sha256HexOfValue: string): string {
  return createHmac("sha256", key).update(sha256HexOfValue, "utf8").digest("hex");
}

export function fingerprint(key: Buffer, value: string): string {
  return fingerprintOfHash(key, createHash("sha256").update(value, "utf8").digest("hex"));
}

function versionMeta(
  v: Pick<VersionRow, "created" | "deletion" | "destroyed" | "version">,
  custom: string,
  now: number,
): VersionMeta {
  const cm = JSON.parse(custom) as Record<string, string>;
  return {
    created_time: iso(Number(v.created)),
    custom_metadata: Object.keys(cm).length ? cm : null,
    deletion_time: Number(v.deletion) !== 0 && Number(v.deletion) <= now ? iso(Number(v.deletion)) : "",
    destroyed: v.destroyed === 1,
    version: Number(v.version),
  };
}

export interface MountConfig {
  maxVersions: number;
  casRequired: boolean;
}

/** Leaf string values worth fingerprinting (short values would match by accident). */
function leafStrings(data: unknown, prefix = ""): Array<[string, string]> {
  if (typeof data === "string") return data.length >= 8 ? [[prefix, data]] : [];
  if (typeof data !== "object" || data === null) return [];
  return Object.entries(data).flatMap(([k, v]) => leafStrings(v, prefix ? `${prefix}.${k}` : k));
}

export class KvEngine {
  constructor(
    private readonly store: Store,
    private readonly keys: () => Keyring,
  ) {}

  private async meta(tx: Store, mount: string, path: string): Promise<MetaRow | undefined> {
    const rows = await tx.query<MetaRow>("SELECT * FROM vault_kv_meta WHERE mount = $1 AND path = $2", [
      mount,
      path,
    ]);
    return rows[0];
  }

  async exists(mount: string, path: string): Promise<boolean> {
    return (await this.meta(this.store, mount, path)) !== undefined;
  }

  async write(
    mount: string,
    path: string,
    data: unknown,
    cas: number | undefined,
    cfg: MountConfig,
    now = Date.now(),
  ): Promise<VersionMeta> {
    checkSecretPath(path);
    const plaintext = encodeSecretData(data);
    const k = this.keys();
    const leaves = leafStrings(data);
    return this.store.transaction(async (tx) => {
      const m = await this.meta(tx, mount, path);
      const current = m ? Number(m.current_version) : 0;
      if (cas === undefined && (cfg.casRequired || m?.cas_required === 1))
        throw invalid("check-and-set parameter required for this call");
      if (cas !== undefined && cas !== current)
        throw new VaultError(
          "VAULT_CAS_MISMATCH",
          "check-and-set parameter did not match the current version",
        );
      const version = current + 1;
      const env = encryptEnvelope(k.keks.get(k.active)!, plaintext, aadOf(mount, path, version));
      const dva = m ? Number(m.delete_version_after) : 0;
      await tx.exec(
        `INSERT INTO vault_kv_versions (mount, path, version, created, deletion, destroyed, kek_version, wrapped_key, ciphertext)
         VALUES ($1,$2,$3,$4,$5,0,$6,$7,$8)`,
        [mount, path, version, now, dva ? now + dva * 1000 : 0, k.active, env.wrappedKey, env.ciphertext],
      );
      for (const [field, value] of leaves)
        await tx.exec(
          "INSERT INTO vault_kv_fingerprints (fingerprint, mount, path, version, field) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
          [fingerprint(k.fingerprintKey, value), mount, path, version, field],
        );
      const max = (m && Number(m.max_versions)) || cfg.maxVersions || DEFAULT_MAX_VERSIONS;
      let oldest = m ? Number(m.oldest_version) : 1;
      if (version - oldest + 1 > max) {
        oldest = version - max + 1;
        await tx.exec("DELETE FROM vault_kv_versions WHERE mount = $1 AND path = $2 AND version < $3", [
          mount,
          path,
          oldest,
        ]);
        await tx.exec("DELETE FROM vault_kv_fingerprints WHERE mount = $1 AND path = $2 AND version < $3", [
          mount,
          path,
          oldest,
        ]);
      }
      if (m)
        await tx.exec(
          "UPDATE vault_kv_meta SET current_version = $1, oldest_version = $2, updated = $3 WHERE mount = $4 AND path = $5",
          [version, oldest, now, mount, path],
        );
      else
        await tx.exec(
          `INSERT INTO vault_kv_meta (mount, path, current_version, oldest_version, max_versions, cas_required,
             delete_version_after, custom_metadata, created, updated) VALUES ($1,$2,$3,1,0,0,0,'{}',$4,$4)`,
          [mount, path, version, now],
        );
      return versionMeta(
        { created: now, deletion: 0, destroyed: 0, version },
        m?.custom_metadata ?? "{}",
        now,
      );
    });
  }

  /** Reads a version (0: current). Returns the metadata without data when deleted or destroyed. */
  async read(
    mount: string,
    path: string,
    version: number,
    now = Date.now(),
  ): Promise<{ data: Record<string, unknown> | null; metadata: VersionMeta } | undefined> {
    checkSecretPath(path);
    const m = await this.meta(this.store, mount, path);
    if (!m) return undefined;
    const v = version || Number(m.current_version);
    const rows = await this.store.query<VersionRow>(
      "SELECT * FROM vault_kv_versions WHERE mount = $1 AND path = $2 AND version = $3",
      [mount, path, v],
    );
    const row = rows[0];
    if (!row) return undefined;
    const metadata = versionMeta(row, m.custom_metadata, now);
    if (metadata.destroyed || metadata.deletion_time !== "") return { data: null, metadata };
    const kek = this.keys().keks.get(Number(row.kek_version));
    if (!kek)
      throw new VaultError(
        "VAULT_DECRYPT_FAILED",
        `ciphertext rejected: unknown key version ${row.kek_version}`,
      );
    const plain = decryptEnvelope(
      kek,
      { wrappedKey: row.wrapped_key, ciphertext: row.ciphertext },
      aadOf(mount, path, v),
    );
    return { data: JSON.parse(plain.toString("utf8")) as Record<string, unknown>, metadata };
  }

  async deleteLatest(mount: string, path: string, now = Date.now()): Promise<void> {
    checkSecretPath(path);
    const m = await this.meta(this.store, mount, path);
    if (m) await this.setDeletion(mount, path, [Number(m.current_version)], now);
  }

  async setDeletion(mount: string, path: string, versions: number[], deletion: number): Promise<void> {
    checkSecretPath(path);
    await this.store.transaction(async (tx) => {
      for (const v of versions)
        await tx.exec(
          "UPDATE vault_kv_versions SET deletion = $1 WHERE mount = $2 AND path = $3 AND version = $4 AND destroyed = 0",
          [deletion, mount, path, v],
        );
    });
  }

  /** Destroy removes the ciphertext and its data key for good; the version stays as a tombstone. */
  async destroy(mount: string, path: string, versions: number[]): Promise<void> {
    checkSecretPath(path);
    await this.store.transaction(async (tx) => {
      for (const v of versions) {
        await tx.exec(
          "UPDATE vault_kv_versions SET destroyed = 1, wrapped_key = '', ciphertext = '' WHERE mount = $1 AND path = $2 AND version = $3",
          [mount, path, v],
        );
        await tx.exec("DELETE FROM vault_kv_fingerprints WHERE mount = $1 AND path = $2 AND version = $3", [
          mount,
          path,
          v,
        ]);
      }
    });
  }

  async readMetadata(
    mount: string,
    path: string,
    now = Date.now(),
  ): Promise<Record<string, unknown> | undefined> {
    checkSecretPath(path);
    const m = await this.meta(this.store, mount, path);
    if (!m) return undefined;
    const rows = await this.store.query<VersionRow>(
      "SELECT version, created, deletion, destroyed FROM vault_kv_versions WHERE mount = $1 AND path = $2 ORDER BY version",
      [mount, path],
    );
    const cm = JSON.parse(m.custom_metadata) as Record<string, string>;
    const versions: Record<string, unknown> = {};
    for (const r of rows) {
      const { created_time, deletion_time, destroyed } = versionMeta(r, "{}", now);
      versions[String(r.version)] = { created_time, deletion_time, destroyed };
    }
    return {
      cas_required: m.cas_required === 1,
      created_time: iso(Number(m.created)),
      current_version: Number(m.current_version),
      custom_metadata: Object.keys(cm).length ? cm : null,
      delete_version_after: `${Number(m.delete_version_after)}s`,
      max_versions: Number(m.max_versions),
      oldest_version: Number(m.oldest_version),
      updated_time: iso(Number(m.updated)),
      versions,
    };
  }

  async writeMetadata(
    mount: string,
    path: string,
    patch: {
      maxVersions?: number;
      casRequired?: boolean;
      deleteVersionAfter?: number;
      customMetadata?: Record<string, string>;
    },
    now = Date.now(),
  ): Promise<void> {
    checkSecretPath(path);
    await this.store.transaction(async (tx) => {
      const m = await this.meta(tx, mount, path);
      const next = {
        max: patch.maxVersions ?? (m ? Number(m.max_versions) : 0),
        cas: patch.casRequired ?? m?.cas_required === 1,
        dva: patch.deleteVersionAfter ?? (m ? Number(m.delete_version_after) : 0),
        cm: patch.customMetadata ? JSON.stringify(patch.customMetadata) : (m?.custom_metadata ?? "{}"),
      };
      if (m)
        await tx.exec(
          "UPDATE vault_kv_meta SET max_versions=$1, cas_required=$2, delete_version_after=$3, custom_metadata=$4, updated=$5 WHERE mount=$6 AND path=$7",
          [next.max, next.cas ? 1 : 0, next.dva, next.cm, now, mount, path],
        );
      else
        await tx.exec(
          `INSERT INTO vault_kv_meta (mount, path, current_version, oldest_version, max_versions, cas_required,
             delete_version_after, custom_metadata, created, updated) VALUES ($1,$2,0,0,$3,$4,$5,$6,$7,$7)`,
          [mount, path, next.max, next.cas ? 1 : 0, next.dva, next.cm, now],
        );
    });
  }

  async deleteAll(mount: string, path: string): Promise<void> {
    checkSecretPath(path);
    await this.store.transaction(async (tx) => {
      for (const t of ["vault_kv_versions", "vault_kv_fingerprints", "vault_kv_meta"])
        await tx.exec(`DELETE FROM ${t} WHERE mount = $1 AND path = $2`, [mount, path]);
    });
  }

  /** Keys directly under `prefix` ("a/" for folders), sorted; undefined when none. */
  async list(mount: string, prefix: string): Promise<string[] | undefined> {
    checkSecretPath(prefix, { allowTrailingSlash: true, allowEmpty: true });
    const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    const rows = await this.store.query<{ path: string }>(
      "SELECT path FROM vault_kv_meta WHERE mount = $1 AND substr(path, 1, $2) = $3",
      [mount, p.length, p],
    );
    const keys = new Set<string>();
    for (const { path } of rows) {
      const rest = path.slice(p.length);
      const slash = rest.indexOf("/");
      keys.add(slash < 0 ? rest : rest.slice(0, slash + 1));
    }
    return keys.size ? [...keys].sort() : undefined;
  }

  /** Paths (mount, path, version, field) whose value has this keyed fingerprint. */
  async findByFingerprint(
    fp: string,
  ): Promise<Array<{ mount: string; path: string; version: number; field: string }>> {
    return this.store.query(
      "SELECT mount, path, version, field FROM vault_kv_fingerprints WHERE fingerprint = $1",
      [fp],
    );
  }
}
