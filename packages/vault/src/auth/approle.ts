/**
 * AppRole: a role has a public role_id and issues secret_ids; login with both yields a
 * token carrying the role's policies. secret_ids are stored only as SHA-256 hashes.
 */
import { randomUUID } from "node:crypto";
import { invalid } from "../errors.js";
import type { Store } from "../store.js";
import { asBool, asInt, asStringList, parseDuration, sha256Hex } from "../util.js";

export interface RoleConfig {
  bind_secret_id: boolean;
  secret_id_ttl: number;
  secret_id_num_uses: number;
  token_policies: string[];
  token_ttl: number;
  token_max_ttl: number;
  token_num_uses: number;
}

export function roleConfigFrom(body: Record<string, unknown>, prev?: RoleConfig): RoleConfig {
  const has = (k: string): boolean => body[k] !== undefined;
  const policies = has("token_policies")
    ? asStringList(body["token_policies"], "token_policies")
    : has("policies")
      ? asStringList(body["policies"], "policies")
      : (prev?.token_policies ?? []);
  return {
    bind_secret_id: asBool(body["bind_secret_id"], "bind_secret_id", prev?.bind_secret_id ?? true),
    secret_id_ttl: has("secret_id_ttl")
      ? parseDuration(body["secret_id_ttl"], "secret_id_ttl")
      : (prev?.secret_id_ttl ?? 0),
    secret_id_num_uses: asInt(
      body["secret_id_num_uses"],
      "secret_id_num_uses",
      prev?.secret_id_num_uses ?? 0,
    ),
    token_policies: policies,
    token_ttl: has("token_ttl") ? parseDuration(body["token_ttl"], "token_ttl") : (prev?.token_ttl ?? 0),
    token_max_ttl: has("token_max_ttl")
      ? parseDuration(body["token_max_ttl"], "token_max_ttl")
      : (prev?.token_max_ttl ?? 0),
    token_num_uses: asInt(body["token_num_uses"], "token_num_uses", prev?.token_num_uses ?? 0),
  };
}

export class AppRoles {
  constructor(private readonly store: Store) {}

  async get(mount: string, name: string): Promise<{ roleId: string; config: RoleConfig } | undefined> {
    const rows = await this.store.query<{ role_id: string; config: string }>(
      "SELECT role_id, config FROM vault_approle_roles WHERE mount = $1 AND name = $2",
      [mount, name],
    );
    return rows[0] && { roleId: rows[0].role_id, config: JSON.parse(rows[0].config) as RoleConfig };
  }

  async put(mount: string, name: string, body: Record<string, unknown>): Promise<void> {
    if (!/^[\w.-]{1,128}$/.test(name)) throw invalid(`invalid role name "${name}"`);
    const prev = await this.get(mount, name);
    const config = roleConfigFrom(body, prev?.config);
    if (prev)
      await this.store.exec("UPDATE vault_approle_roles SET config = $1 WHERE mount = $2 AND name = $3", [
        JSON.stringify(config),
        mount,
        name,
      ]);
    else
      await this.store.exec(
        "INSERT INTO vault_approle_roles (mount, name, role_id, config) VALUES ($1,$2,$3,$4)",
        [mount, name, randomUUID(), JSON.stringify(config)],
      );
  }

  async remove(mount: string, name: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.exec("DELETE FROM vault_approle_roles WHERE mount = $1 AND name = $2", [mount, name]);
      await tx.exec("DELETE FROM vault_approle_secret_ids WHERE mount = $1 AND role = $2", [mount, name]);
    });
  }

  async list(mount: string): Promise<string[]> {
    const rows = await this.store.query<{ name: string }>(
      "SELECT name FROM vault_approle_roles WHERE mount = $1 ORDER BY name",
      [mount],
    );
    return rows.map((r) => r.name);
  }

  async newSecretId(
    mount: string,
    name: string,
    now = Date.now(),
  ): Promise<{ secretId: string; accessor: string; ttl: number }> {
    const role = await this.get(mount, name);
    if (!role) throw invalid(`role "${name}" does not exist`);
    const secretId = randomUUID();
    const accessor = randomUUID();
    const ttl = role.config.secret_id_ttl;
    await this.store.exec(
      "INSERT INTO vault_approle_secret_ids (id_hash, mount, role, accessor, created, expires, uses_left) VALUES ($1,$2,$3,$4,$5,$6,$7)",
      [
        sha256Hex(secretId),
        mount,
        name,
        accessor,
        now,
        ttl ? now + ttl * 1000 : 0,
        role.config.secret_id_num_uses,
      ],
    );
    return { secretId, accessor, ttl };
  }

  /** Checks role_id + secret_id; consumes one use of the secret_id. Returns the role. */
  async login(
    mount: string,
    roleId: unknown,
    secretId: unknown,
    now = Date.now(),
  ): Promise<{ name: string; config: RoleConfig }> {
    if (typeof roleId !== "string" || roleId === "") throw invalid("missing role_id");
    const rows = await this.store.query<{ name: string; config: string }>(
      "SELECT name, config FROM vault_approle_roles WHERE mount = $1 AND role_id = $2",
      [mount, roleId],
    );
    if (!rows[0]) throw invalid("invalid role or secret ID");
    const role = { name: rows[0].name, config: JSON.parse(rows[0].config) as RoleConfig };
    if (!role.config.bind_secret_id) return role;
    if (typeof secretId !== "string" || secretId === "") throw invalid("missing secret_id");
    return this.store.transaction(async (tx) => {
      const ids = await tx.query<{ expires: number; uses_left: number }>(
        "SELECT expires, uses_left FROM vault_approle_secret_ids WHERE id_hash = $1 AND mount = $2 AND role = $3",
        [sha256Hex(secretId), mount, role.name],
      );
      const id = ids[0];
      if (!id || (Number(id.expires) !== 0 && Number(id.expires) <= now))
        throw invalid("invalid role or secret ID");
      if (Number(id.uses_left) === 1)
        await tx.exec("DELETE FROM vault_approle_secret_ids WHERE id_hash = $1", [sha256Hex(secretId)]);
      else if (Number(id.uses_left) > 1)
        await tx.exec("UPDATE vault_approle_secret_ids SET uses_left = uses_left - 1 WHERE id_hash = $1", [
          sha256Hex(secretId),
        ]);
      return role;
    });
  }
}
