/**
 * Service tokens (Vault's token store). Only a SHA-256 of the token is stored; the token
 * itself is shown once, at creation. Children are revoked with their parent.
 */
import { permissionDenied, invalid } from "../errors.js";
import type { Store } from "../store.js";
import { newToken, sha256Hex, iso } from "../util.js";

export interface TokenEntry {
  accessor: string;
  policies: string[];
  meta: Record<string, string>;
  displayName: string;
  path: string;
  created: number;
  /** 0: never (root tokens). */
  expires: number;
  creationTtl: number;
  explicitMaxTtl: number;
  renewable: boolean;
  numUses: number;
  parent: string;
  orphan: boolean;
}

interface Row {
  id_hash: string;
  accessor: string;
  policies: string;
  meta: string;
  display_name: string;
  path: string;
  created: number;
  expires: number;
  creation_ttl: number;
  explicit_max_ttl: number;
  renewable: number;
  num_uses: number;
  parent: string;
  orphan: number;
}

function fromRow(r: Row): TokenEntry {
  return {
    accessor: r.accessor,
    policies: JSON.parse(r.policies) as string[],
    meta: JSON.parse(r.meta) as Record<string, string>,
    displayName: r.display_name,
    path: r.path,
    created: Number(r.created),
    expires: Number(r.expires),
    creationTtl: Number(r.creation_ttl),
    explicitMaxTtl: Number(r.explicit_max_ttl),
    renewable: r.renewable === 1,
    numUses: Number(r.num_uses),
    parent: r.parent,
    orphan: r.orphan === 1,
  };
}

export interface CreateToken {
  policies: string[];
  ttl: number;
  explicitMaxTtl?: number;
  renewable?: boolean;
  displayName?: string;
  meta?: Record<string, string>;
  numUses?: number;
  parent?: string;
  path: string;
}

/** Default and maximum TTL for tokens without one (Vault's default is 768h). */
export const DEFAULT_TTL = 768 * 3600;

export class TokenStore {
  constructor(private readonly store: Store) {}

  async create(c: CreateToken, now = Date.now()): Promise<{ token: string; entry: TokenEntry }> {
    const token = newToken("hvs.");
    const root = c.policies.includes("root");
    const ttl = root && c.ttl === 0 ? 0 : Math.min(c.ttl || DEFAULT_TTL, c.explicitMaxTtl || DEFAULT_TTL);
    const entry: TokenEntry = {
      accessor: newToken("").slice(0, 24),
      policies: [...new Set(c.policies)].sort(),
      meta: c.meta ?? {},
      displayName: c.displayName ?? "token",
      path: c.path,
      created: now,
      expires: ttl === 0 ? 0 : now + ttl * 1000,
      creationTtl: ttl,
      explicitMaxTtl: c.explicitMaxTtl ?? 0,
      renewable: ttl !== 0 && (c.renewable ?? true),
      numUses: c.numUses ?? 0,
      parent: c.parent ?? "",
      orphan: !c.parent,
    };
    await this.store.exec(
      `INSERT INTO vault_tokens (id_hash, accessor, policies, meta, display_name, path, created, expires,
        creation_ttl, explicit_max_ttl, renewable, num_uses, parent, orphan)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [
        sha256Hex(token),
        entry.accessor,
        JSON.stringify(entry.policies),
        JSON.stringify(entry.meta),
        entry.displayName,
        entry.path,
        entry.created,
        entry.expires,
        entry.creationTtl,
        entry.explicitMaxTtl,
        entry.renewable ? 1 : 0,
        entry.numUses,
        entry.parent,
        entry.orphan ? 1 : 0,
      ],
    );
    return { token, entry };
  }

  private async byHash(idHash: string): Promise<TokenEntry | undefined> {
    const rows = await this.store.query<Row>("SELECT * FROM vault_tokens WHERE id_hash = $1", [idHash]);
    return rows[0] && fromRow(rows[0]);
  }

  /** A live token, or "permission denied" (Vault does not say whether it expired or never existed). */
  async authenticate(token: string | undefined, now = Date.now()): Promise<TokenEntry> {
    if (!token) throw permissionDenied();
    const entry = await this.byHash(sha256Hex(token));
    if (!entry) throw permissionDenied();
    if (entry.expires !== 0 && entry.expires <= now) {
      await this.revokeAccessor(entry.accessor);
      throw permissionDenied();
    }
    if (entry.numUses > 0) {
      if (entry.numUses === 1) await this.revokeAccessor(entry.accessor);
      else
        await this.store.exec("UPDATE vault_tokens SET num_uses = num_uses - 1 WHERE accessor = $1", [
          entry.accessor,
        ]);
    }
    return entry;
  }

  async lookup(token: string): Promise<TokenEntry> {
    const entry = await this.byHash(sha256Hex(token));
    if (!entry || (entry.expires !== 0 && entry.expires <= Date.now())) throw invalid("bad token");
    return entry;
  }

  async lookupAccessor(accessor: string): Promise<TokenEntry> {
    const rows = await this.store.query<Row>("SELECT * FROM vault_tokens WHERE accessor = $1", [accessor]);
    if (!rows[0]) throw invalid("invalid accessor");
    return fromRow(rows[0]);
  }

  async renew(entry: TokenEntry, increment: number, now = Date.now()): Promise<TokenEntry> {
    if (!entry.renewable) throw invalid("lease is not renewable");
    const want = increment || entry.creationTtl;
    const cap = entry.explicitMaxTtl ? entry.created + entry.explicitMaxTtl * 1000 : now + DEFAULT_TTL * 1000;
    const expires = Math.min(now + want * 1000, cap);
    await this.store.exec("UPDATE vault_tokens SET expires = $1 WHERE accessor = $2", [
      expires,
      entry.accessor,
    ]);
    return { ...entry, expires };
  }

  /** Revokes a token and, recursively, every token it created. */
  async revokeAccessor(accessor: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const queue = [accessor];
      while (queue.length > 0) {
        const a = queue.pop()!;
        const kids = await tx.query<{ accessor: string }>(
          "SELECT accessor FROM vault_tokens WHERE parent = $1",
          [a],
        );
        queue.push(...kids.map((k) => k.accessor));
        await tx.exec("DELETE FROM vault_tokens WHERE accessor = $1", [a]);
      }
    });
  }

  async revokeToken(token: string): Promise<void> {
    const entry = await this.byHash(sha256Hex(token));
    if (entry) await this.revokeAccessor(entry.accessor);
  }
}

/** Vault's lookup response shape. */
export function describeToken(e: TokenEntry, id = "", now = Date.now()): Record<string, unknown> {
  return {
    accessor: e.accessor,
    creation_time: Math.floor(e.created / 1000),
    creation_ttl: e.creationTtl,
    display_name: e.displayName,
    entity_id: "",
    expire_time: e.expires === 0 ? null : iso(e.expires),
    explicit_max_ttl: e.explicitMaxTtl,
    id,
    issue_time: iso(e.created),
    meta: Object.keys(e.meta).length ? e.meta : null,
    num_uses: e.numUses,
    orphan: e.orphan,
    path: e.path,
    policies: e.policies,
    renewable: e.renewable,
    ttl: e.expires === 0 ? 0 : Math.max(0, Math.floor((e.expires - now) / 1000)),
    type: "service",
  };
}
