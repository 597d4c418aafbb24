/** The mount tables: secret engines (KV v2 only) and auth methods (token, AppRole). */
import { VaultError, invalid } from "./errors.js";
import { type Store, isUniqueViolation } from "./store.js";
import { asBool, asInt } from "./util.js";

export interface MountEntry {
  path: string;
  kind: "secret" | "auth";
  type: string;
  description: string;
  options: Record<string, string>;
  config: { max_versions: number; cas_required: boolean };
}

const RESERVED = new Set(["sys", "auth", "identity", "cubbyhole", "token"]);

export async function listMounts(store: Store, kind: "secret" | "auth"): Promise<MountEntry[]> {
  const rows = await store.query<{
    path: string;
    type: string;
    description: string;
    options: string;
    config: string;
  }>("SELECT path, type, description, options, config FROM vault_mounts WHERE kind = $1 ORDER BY path", [
    kind,
  ]);
  return rows.map((r) => ({
    path: r.path,
    kind,
    type: r.type,
    description: r.description,
    options: JSON.parse(r.options) as Record<string, string>,
    config: JSON.parse(r.config) as MountEntry["config"],
  }));
}

export async function enableMount(
  store: Store,
  kind: "secret" | "auth",
  path: string,
  body: Record<string, unknown>,
): Promise<void> {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/.test(path)) throw invalid(`invalid mount path "${path}"`);
  if (RESERVED.has(path)) throw invalid(`cannot mount at reserved path "${path}"`);
  const type = body["type"];
  const options = (body["options"] ?? {}) as Record<string, unknown>;
  const config = (body["config"] ?? {}) as Record<string, unknown>;
  if (kind === "secret") {
    if (type !== "kv" && type !== "kv-v2" && type !== "database")
      throw invalid(`unsupported secrets engine type ${JSON.stringify(type)} (kv version 2 or database)`);
    if (type === "kv" && String(options["version"] ?? "1") !== "2")
      throw invalid("only KV version 2 is supported; set options.version = 2");
  } else if (type !== "approle" && type !== "workload")
    throw invalid(`unsupported auth method type ${JSON.stringify(type)} (approle or workload)`);
  try {
    await store.exec(
      "INSERT INTO vault_mounts (path, kind, type, description, options, config, created) VALUES ($1,$2,$3,$4,$5,$6,$7)",
      [
        path,
        kind,
        type === "kv-v2" ? "kv" : type,
        typeof body["description"] === "string" ? body["description"] : "",
        JSON.stringify(kind === "secret" && type !== "database" ? { version: "2" } : {}),
        JSON.stringify({
          max_versions: asInt(config["max_versions"] ?? options["max_versions"], "max_versions", 0),
          cas_required: asBool(config["cas_required"] ?? options["cas_required"], "cas_required", false),
        }),
        Date.now(),
      ],
    );
  } catch (e) {
    if (isUniqueViolation(e))
      throw new VaultError("VAULT_INVALID_REQUEST", `path is already in use at ${path}/`);
    throw e;
  }
}

export async function disableMount(store: Store, kind: "secret" | "auth", path: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.exec("DELETE FROM vault_mounts WHERE kind = $1 AND path = $2", [kind, path]);
    if (kind === "secret")
      for (const t of ["vault_kv_versions", "vault_kv_fingerprints", "vault_kv_meta"])
        await tx.exec(`DELETE FROM ${t} WHERE mount = $1`, [path]);
    else {
      await tx.exec("DELETE FROM vault_approle_roles WHERE mount = $1", [path]);
      await tx.exec("DELETE FROM vault_approle_secret_ids WHERE mount = $1", [path]);
      await tx.exec("DELETE FROM vault_workload_roles WHERE mount = $1", [path]);
      await tx.exec("DELETE FROM vault_workload_config WHERE mount = $1", [path]);
    }
  });
}

/** Vault's sys/mounts response shape, keyed "path/". */
export function describeMounts(list: MountEntry[], kind: "secret" | "auth"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (kind === "auth")
    out["token/"] = { type: "token", description: "token based credentials", options: null, config: {} };
  else out["sys/"] = { type: "system", description: "system endpoints", options: null, config: {} };
  for (const m of list)
    out[`${m.path}/`] = {
      type: m.type,
      description: m.description,
      options: kind === "secret" ? m.options : null,
      config: { default_lease_ttl: 0, max_lease_ttl: 0, ...m.config },
    };
  return out;
}
