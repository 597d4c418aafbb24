/**
 * The workload auth method: a container logs in with an attestation the runtime agent signed
 * (`bulwark runtime attest`), not with a secret it was given. The method trusts the agent
 * public keys in its config; a role binds image digests (required), Kubernetes namespaces and
 * service accounts to policies and a short token TTL. Each attestation is accepted once and
 * only while fresh.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import {
  ATTESTATION_AUDIENCE,
  AttestationError,
  verifyAttestation,
  type AttestationClaims,
} from "../deps.js";
import { VaultError, invalid } from "../errors.js";
import { isUniqueViolation, type Store } from "../store.js";
import { asStringList, parseDuration, sha256Hex } from "../util.js";

export interface WorkloadConfig {
  agent_public_keys: string[];
  /** Oldest attestation accepted, seconds since its `iat`. */
  max_attestation_age: number;
}

export interface WorkloadRole {
  bound_image_digests: string[];
  bound_namespaces: string[];
  bound_service_accounts: string[];
  token_policies: string[];
  token_ttl: number;
  token_max_ttl: number;
}

/** Short by default: a workload logs in again with a fresh attestation. */
export const DEFAULT_WORKLOAD_TTL = 900;
const MAX_WORKLOAD_TTL = 24 * 3600;
const CLOCK_SKEW_S = 30;

function parseKeys(pems: string[]): KeyObject[] {
  return pems.map((pem, i) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw invalid(`agent_public_keys[${i}] is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== "ed25519") throw invalid(`agent_public_keys[${i}] must be an Ed25519 key`);
    return key;
  });
}

export function parseConfig(body: Record<string, unknown>): WorkloadConfig {
  const keys = asStringList(
    Array.isArray(body["agent_public_keys"])
      ? body["agent_public_keys"]
      : body["agent_public_keys"] && [body["agent_public_keys"]],
    "agent_public_keys",
  );
  if (keys.length === 0) throw invalid("agent_public_keys: at least one PEM public key is required");
  parseKeys(keys);
  const age = parseDuration(body["max_attestation_age"] ?? 120, "max_attestation_age");
  if (age < 1 || age > 3600) throw invalid("max_attestation_age must be between 1s and 1h");
  return { agent_public_keys: keys, max_attestation_age: age };
}

export function parseRole(body: Record<string, unknown>): WorkloadRole {
  const digests = asStringList(body["bound_image_digests"], "bound_image_digests");
  if (digests.length === 0) throw invalid("bound_image_digests: at least one image digest is required");
  const bad = digests.find((d) => !/^sha256:[0-9a-f]{64}$/.test(d));
  if (bad) throw invalid(`bound_image_digests: "${bad}" is not a sha256:<64 hex> digest`);
  const ttl = parseDuration(body["token_ttl"] ?? DEFAULT_WORKLOAD_TTL, "token_ttl");
  const maxTtl = parseDuration(body["token_max_ttl"] ?? ttl, "token_max_ttl");
  if (ttl < 1 || ttl > MAX_WORKLOAD_TTL || maxTtl < ttl || maxTtl > MAX_WORKLOAD_TTL)
    throw invalid(
      "token_ttl must be between 1s and 24h, and token_max_ttl at least token_ttl and at most 24h",
    );
  return {
    bound_image_digests: digests,
    bound_namespaces: asStringList(body["bound_namespaces"], "bound_namespaces"),
    bound_service_accounts: asStringList(body["bound_service_accounts"], "bound_service_accounts"),
    token_policies: asStringList(body["token_policies"] ?? body["policies"], "token_policies"),
    token_ttl: ttl,
    token_max_ttl: maxTtl,
  };
}

export class WorkloadAuth {
  constructor(private readonly store: Store) {}

  async config(mount: string): Promise<WorkloadConfig | undefined> {
    const rows = await this.store.query<{ config: string }>(
      "SELECT config FROM vault_workload_config WHERE mount = $1",
      [mount],
    );
    return rows[0] && (JSON.parse(rows[0].config) as WorkloadConfig);
  }

  async putConfig(mount: string, body: Record<string, unknown>): Promise<void> {
    const cfg = JSON.stringify(parseConfig(body));
    await this.store.exec(
      "INSERT INTO vault_workload_config (mount, config) VALUES ($1,$2) ON CONFLICT (mount) DO UPDATE SET config = excluded.config",
      [mount, cfg],
    );
  }

  /** Role store (list/get/put/remove), as the role endpoints in routes/roles.ts use it. */
  async get(mount: string, name: string): Promise<WorkloadRole | undefined> {
    const rows = await this.store.query<{ config: string }>(
      "SELECT config FROM vault_workload_roles WHERE mount = $1 AND name = $2",
      [mount, name],
    );
    return rows[0] && (JSON.parse(rows[0].config) as WorkloadRole);
  }

  async put(mount: string, name: string, body: Record<string, unknown>): Promise<void> {
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) throw invalid(`invalid role name "${name}"`);
    await this.store.exec(
      "INSERT INTO vault_workload_roles (mount, name, config) VALUES ($1,$2,$3) ON CONFLICT (mount, name) DO UPDATE SET config = excluded.config",
      [mount, name, JSON.stringify(parseRole(body))],
    );
  }

  async remove(mount: string, name: string): Promise<void> {
    await this.store.exec("DELETE FROM vault_workload_roles WHERE mount = $1 AND name = $2", [mount, name]);
  }

  async list(mount: string): Promise<string[]> {
    const rows = await this.store.query<{ name: string }>(
      "SELECT name FROM vault_workload_roles WHERE mount = $1 ORDER BY name",
      [mount],
    );
    return rows.map((r) => r.name);
  }

  /**
   * Checks an attestation for a role: signature by a trusted agent key, audience, freshness,
   * first use, and the role's bindings. Every refusal past the syntax checks is "permission
   * denied" with the reason, so a workload's operator can tell what to fix.
   */
  async login(
    mount: string,
    roleName: unknown,
    attestation: unknown,
    now = Date.now(),
  ): Promise<{ role: string; config: WorkloadRole; claims: AttestationClaims }> {
    if (typeof roleName !== "string" || roleName === "") throw invalid("missing role");
    if (typeof attestation !== "string" || attestation === "") throw invalid("missing attestation");
    const cfg = await this.config(mount);
    if (!cfg) throw invalid(`auth/${mount} is not configured (POST auth/${mount}/config)`);
    const role = await this.get(mount, roleName);
    if (!role) throw invalid(`role "${roleName}" does not exist`);
    let claims: AttestationClaims;
    try {
      claims = verifyAttestation(attestation, parseKeys(cfg.agent_public_keys));
    } catch (e) {
      if (e instanceof AttestationError) throw denied(e.message);
      throw e;
    }
    const t = Math.floor(now / 1000);
    if (claims.aud !== ATTESTATION_AUDIENCE) throw denied(`attestation audience is "${claims.aud}"`);
    if (claims.exp <= t) throw denied("attestation expired");
    if (claims.iat > t + CLOCK_SKEW_S) throw denied("attestation issued in the future");
    if (t - claims.iat > cfg.max_attestation_age) throw denied("attestation too old");
    checkBinding(role, claims);
    await this.spend(claims, now);
    return { role: roleName, config: role, claims };
  }

  /** Records the attestation as used (replay refused); forgets expired records on the way. */
  private async spend(claims: AttestationClaims, now: number): Promise<void> {
    await this.store.exec("DELETE FROM vault_workload_used WHERE expires < $1", [now]);
    try {
      await this.store.exec("INSERT INTO vault_workload_used (jti_hash, expires) VALUES ($1,$2)", [
        sha256Hex(claims.jti),
        claims.exp * 1000 + CLOCK_SKEW_S * 1000,
      ]);
    } catch (e) {
      if (isUniqueViolation(e)) throw denied("attestation already used");
      throw e;
    }
  }
}

function denied(reason: string): VaultError {
  return new VaultError("VAULT_PERMISSION_DENIED", `permission denied: ${reason}`);
}

function checkBinding(role: WorkloadRole, c: AttestationClaims): void {
  if (!c.image_digest || !role.bound_image_digests.includes(c.image_digest))
    throw denied(`image digest ${c.image_digest ?? "(unknown)"} is not bound to this role`);
  if (role.bound_namespaces.length && !role.bound_namespaces.includes(c.namespace ?? ""))
    throw denied(`namespace ${c.namespace ?? "(none)"} is not bound to this role`);
  if (role.bound_service_accounts.length && !role.bound_service_accounts.includes(c.service_account ?? ""))
    throw denied(`service account ${c.service_account ?? "(unknown)"} is not bound to this role`);
}
