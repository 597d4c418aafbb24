/**
 * Dynamic PostgreSQL credentials (Vault's database secrets engine, PostgreSQL plugin):
 * reading `<mount>/creds/<role>` creates a login role with a random password and a lease;
 * revoking the lease, or its expiry (swept every second), drops the role. The connection
 * config holds an admin password, so it is stored envelope-encrypted like a secret.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { decryptEnvelope, encryptEnvelope } from "../crypto/aead.js";
import { VaultError, invalid } from "../errors.js";
import type { Keyring } from "../seal/keyring.js";
import type { Store } from "../store.js";
import { asStringList, parseDuration } from "../util.js";

export interface DbConfig {
  plugin_name: string;
  connection_url: string;
  username: string;
  password: string;
  allowed_roles: string[];
}

export interface DbRole {
  db_name: string;
  creation_statements: string[];
  revocation_statements: string[];
  default_ttl: number;
  max_ttl: number;
}

export interface DbLease {
  leaseId: string;
  ttl: number;
  username: string;
  password: string;
}

const DEFAULT_REVOKE = [
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
  // drops the role's privileges (also on the database itself) so DROP ROLE can succeed
  `DROP OWNED BY "{{name}}";`,
  `DROP ROLE IF EXISTS "{{name}}";`,
];

function render(statement: string, vars: Record<string, string>): string {
  return statement.replace(
    /\{\{\s*(name|username|password|expiration)\s*\}\}/g,
    (_, k: string) => vars[k === "username" ? "name" : k]!,
  );
}

function connectionString(c: DbConfig): string {
  return c.connection_url
    .replace("{{username}}", encodeURIComponent(c.username))
    .replace("{{password}}", encodeURIComponent(c.password));
}

async function runStatements(c: DbConfig, statements: string[], vars: Record<string, string>): Promise<void> {
  const client = new pg.Client({ connectionString: connectionString(c), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("BEGIN");
    for (const s of statements)
      for (const part of s.split(/;\s*(?=\S)/)) await client.query(render(part, vars));
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new VaultError("VAULT_INTERNAL", `database: ${(e as Error).message}`, { cause: e });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class DatabaseEngine {
  constructor(
    private readonly store: Store,
    private readonly keys: () => Keyring,
  ) {}

  async configure(mount: string, name: string, body: Record<string, unknown>): Promise<void> {
    const url = body["connection_url"];
    if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url))
      throw invalid("connection_url must be a postgresql:// URL");
    const plugin = body["plugin_name"] ?? "postgresql-database-plugin";
    if (plugin !== "postgresql-database-plugin")
      throw invalid(`unsupported plugin_name ${JSON.stringify(plugin)}`);
    const cfg: DbConfig = {
      plugin_name: plugin,
      connection_url: url,
      username: typeof body["username"] === "string" ? body["username"] : "",
      password: typeof body["password"] === "string" ? body["password"] : "",
      allowed_roles: asStringList(body["allowed_roles"], "allowed_roles"),
    };
    // verify the connection before storing it, like Vault's verify_connection
    await runStatements(cfg, ["SELECT 1"], { name: "", password: "", expiration: "" });
    const k = this.keys();
    const env = encryptEnvelope(
      k.keks.get(k.active)!,
      Buffer.from(JSON.stringify(cfg)),
      `db|${mount}|${name}`,
    );
    await this.store.exec(
      "INSERT INTO vault_db_configs (mount, name, sealed) VALUES ($1,$2,$3) ON CONFLICT (mount, name) DO UPDATE SET sealed = excluded.sealed",
      [mount, name, JSON.stringify({ kek: k.active, ...env })],
    );
  }

  private async config(mount: string, name: string): Promise<DbConfig> {
    const rows = await this.store.query<{ sealed: string }>(
      "SELECT sealed FROM vault_db_configs WHERE mount = $1 AND name = $2",
      [mount, name],
    );
    if (!rows[0]) throw invalid(`no database connection "${name}"`);
    const sealed = JSON.parse(rows[0].sealed) as { kek: number; wrappedKey: string; ciphertext: string };
    const kek = this.keys().keks.get(sealed.kek);
    if (!kek) throw new VaultError("VAULT_DECRYPT_FAILED", "ciphertext rejected: unknown key version");
    return JSON.parse(decryptEnvelope(kek, sealed, `db|${mount}|${name}`).toString("utf8")) as DbConfig;
  }

  async putRole(mount: string, name: string, body: Record<string, unknown>): Promise<void> {
    if (!/^[a-z0-9_-]{1,32}$/i.test(name)) throw invalid(`invalid role name "${name}"`);
    const role: DbRole = {
      db_name: typeof body["db_name"] === "string" ? body["db_name"] : "",
      creation_statements: asStringList(body["creation_statements"], "creation_statements"),
      revocation_statements: asStringList(body["revocation_statements"], "revocation_statements"),
      default_ttl: parseDuration(body["default_ttl"], "default_ttl") || 3600,
      max_ttl: parseDuration(body["max_ttl"], "max_ttl") || 86400,
    };
    if (!role.db_name) throw invalid("db_name is required");
    if (role.creation_statements.length === 0) throw invalid("creation_statements are required");
    await this.store.exec(
      "INSERT INTO vault_db_roles (mount, name, config) VALUES ($1,$2,$3) ON CONFLICT (mount, name) DO UPDATE SET config = excluded.config",
      [mount, name, JSON.stringify(role)],
    );
  }

  async getRole(mount: string, name: string): Promise<DbRole | undefined> {
    const rows = await this.store.query<{ config: string }>(
      "SELECT config FROM vault_db_roles WHERE mount = $1 AND name = $2",
      [mount, name],
    );
    return rows[0] && (JSON.parse(rows[0].config) as DbRole);
  }

  async issue(mount: string, roleName: string, now = Date.now()): Promise<DbLease> {
    const role = await this.getRole(mount, roleName);
    if (!role) throw invalid(`unknown role: ${roleName}`);
    const cfg = await this.config(mount, role.db_name);
    if (cfg.allowed_roles.length && !cfg.allowed_roles.includes("*") && !cfg.allowed_roles.includes(roleName))
      throw invalid(`"${roleName}" is not an allowed role`);
    const username =
      `v-${roleName.toLowerCase().replace(/[^a-z0-9]/g, "")}-${randomBytes(8).toString("hex")}`.slice(0, 63);
    const password = randomBytes(24).toString("base64url");
    const ttl = role.default_ttl;
    const expires = now + ttl * 1000;
    const leaseId = `${mount}/creds/${roleName}/${randomBytes(12).toString("hex")}`;
    // the lease row is written first: a crash after CREATE ROLE still leaves a lease that expires
    await this.store.exec(
      "INSERT INTO vault_leases (lease_id, kind, data, created, expires) VALUES ($1,'database',$2,$3,$4)",
      [leaseId, JSON.stringify({ mount, role: roleName, username }), now, expires],
    );
    try {
      await runStatements(cfg, role.creation_statements, {
        name: username,
        password,
        expiration: new Date(expires).toISOString(),
      });
    } catch (e) {
      await this.store.exec("DELETE FROM vault_leases WHERE lease_id = $1", [leaseId]);
      throw e;
    }
    return { leaseId, ttl, username, password };
  }

  async lookup(leaseId: string): Promise<{ id: string; expires: number; created: number } | undefined> {
    const rows = await this.store.query<{ created: number; expires: number }>(
      "SELECT created, expires FROM vault_leases WHERE lease_id = $1",
      [leaseId],
    );
    return rows[0] && { id: leaseId, created: Number(rows[0].created), expires: Number(rows[0].expires) };
  }

  async renew(leaseId: string, increment: number, now = Date.now()): Promise<number> {
    const lease = await this.lookup(leaseId);
    if (!lease) throw invalid("lease not found");
    const data = await this.leaseData(leaseId);
    const role = await this.getRole(data.mount, data.role);
    const cap = lease.created + (role?.max_ttl ?? 0) * 1000;
    const expires = Math.min(now + (increment || role?.default_ttl || 3600) * 1000, cap);
    await this.store.exec("UPDATE vault_leases SET expires = $1 WHERE lease_id = $2", [expires, leaseId]);
    return Math.max(0, Math.floor((expires - now) / 1000));
  }

  private async leaseData(leaseId: string): Promise<{ mount: string; role: string; username: string }> {
    const rows = await this.store.query<{ data: string }>(
      "SELECT data FROM vault_leases WHERE lease_id = $1",
      [leaseId],
    );
    if (!rows[0]) throw invalid("lease not found");
    return JSON.parse(rows[0].data) as { mount: string; role: string; username: string };
  }

  /** Drops the database role, then the lease. A failing DROP keeps the lease for the next sweep. */
  async revoke(leaseId: string): Promise<void> {
    const data = await this.leaseData(leaseId);
    const role = await this.getRole(data.mount, data.role);
    if (role) {
      const cfg = await this.config(data.mount, role.db_name);
      const statements = role.revocation_statements.length ? role.revocation_statements : DEFAULT_REVOKE;
      await runStatements(cfg, statements, { name: data.username, password: "", expiration: "" });
    }
    await this.store.exec("DELETE FROM vault_leases WHERE lease_id = $1", [leaseId]);
  }

  /** Revokes every lease that has expired by `now`; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const rows = await this.store.query<{ lease_id: string }>(
      "SELECT lease_id FROM vault_leases WHERE kind = 'database' AND expires <= $1",
      [now],
    );
    let n = 0;
    for (const r of rows) {
      try {
        await this.revoke(r.lease_id);
        n++;
      } catch (e) {
        process.stderr.write(`vault: lease ${r.lease_id} not revoked yet: ${(e as Error).message}\n`);
      }
    }
    return n;
  }
}
