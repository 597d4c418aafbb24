/** auth/token/* and auth/<approle mount>/*. */
import { describeToken } from "../auth/tokens.js";
import { authBlock } from "./auth-block.js";
import { invalid } from "../errors.js";
import { loginAnswer, roleRoute } from "./roles.js";
import type { VaultCore } from "../core.js";
import { noContent, ok, type Caller, type Route, type VaultRequest, type VaultResponse } from "../types.js";
import { asBool, asInt, asStringList, parseDuration } from "../util.js";

async function createToken(
  core: VaultCore,
  req: VaultRequest,
  caller: Caller,
  orphan: boolean,
): Promise<VaultResponse> {
  const b = req.body;
  const parentRoot = caller.token.policies.includes("root");
  let policies = asStringList(b["policies"], "policies");
  if (policies.length === 0) policies = caller.token.policies.filter((p) => p !== "root" || parentRoot);
  if (!parentRoot && policies.some((p) => !caller.token.policies.includes(p)))
    throw invalid("child policies must be subset of parent");
  if (!asBool(b["no_default_policy"], "no_default_policy", false) && !policies.includes("root"))
    policies.push("default");
  const ttl = parseDuration(b["ttl"] ?? b["period"], "ttl");
  const { token, entry } = await core.tokens.create({
    policies,
    ttl,
    explicitMaxTtl: parseDuration(b["explicit_max_ttl"], "explicit_max_ttl"),
    renewable: asBool(b["renewable"], "renewable", true),
    displayName: typeof b["display_name"] === "string" ? `token-${b["display_name"]}` : "token",
    meta: (b["meta"] ?? {}) as Record<string, string>,
    numUses: asInt(b["num_uses"], "num_uses", 0),
    parent: orphan || asBool(b["no_parent"], "no_parent", false) ? "" : caller.token.accessor,
    path: "auth/token/create",
  });
  return ok(null, { auth: authBlock(token, entry) });
}

export function tokenRoute(core: VaultCore, req: VaultRequest, rest: string): Route | undefined {
  const aclPath = `auth/token/${rest}`;
  const body = req.body;
  const self = (handle: (c: Caller) => Promise<VaultResponse>): Route => ({
    aclPath,
    access: "self",
    handle: (c) => handle(c!),
  });
  const write = req.method === "POST" || req.method === "PUT";
  switch (rest) {
    case "create":
    case "create-orphan":
      if (!write) return undefined;
      return {
        aclPath,
        access: "update",
        handle: (c) => createToken(core, req, c!, rest === "create-orphan"),
      };
    case "lookup-self":
      return self(async (c) => ok(describeToken(c.token, c.tokenId)));
    case "renew-self":
      return self(async (c) => {
        const e = await core.tokens.renew(c.token, parseDuration(body["increment"], "increment"));
        return ok(null, {
          auth: authBlock(c.tokenId, { ...e, creationTtl: Math.floor((e.expires - Date.now()) / 1000) }),
        });
      });
    case "revoke-self":
      return self(async (c) => {
        await core.tokens.revokeAccessor(c.token.accessor);
        return noContent();
      });
    case "lookup":
      return {
        aclPath,
        access: write ? "update" : "read",
        handle: async () => {
          const t = body["token"];
          if (typeof t !== "string") throw invalid("missing token to lookup");
          return ok(describeToken(await core.tokens.lookup(t), t));
        },
      };
    case "lookup-accessor":
      return {
        aclPath,
        access: "update",
        handle: async () => {
          const a = body["accessor"];
          if (typeof a !== "string") throw invalid("missing accessor");
          return ok(describeToken(await core.tokens.lookupAccessor(a)));
        },
      };
    case "renew":
      return {
        aclPath,
        access: "update",
        handle: async () => {
          const t = body["token"];
          if (typeof t !== "string") throw invalid("missing token");
          const e = await core.tokens.renew(
            await core.tokens.lookup(t),
            parseDuration(body["increment"], "increment"),
          );
          return ok(null, {
            auth: authBlock(t, { ...e, creationTtl: Math.floor((e.expires - Date.now()) / 1000) }),
          });
        },
      };
    case "revoke":
      return {
        aclPath,
        access: "update",
        handle: async () => {
          const t = body["token"];
          if (typeof t !== "string") throw invalid("missing token");
          await core.tokens.revokeToken(t);
          return noContent();
        },
      };
    case "revoke-accessor":
      return {
        aclPath,
        access: "update",
        handle: async () => {
          const a = body["accessor"];
          if (typeof a !== "string") throw invalid("missing accessor");
          await core.tokens.revokeAccessor(a);
          return noContent();
        },
      };
  }
  return undefined;
}

export function approleRoute(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  rest: string,
): Route | undefined {
  const aclPath = `auth/${mount}/${rest}`;
  const m = req.method;
  const roles = core.approles;
  if (rest === "login" && (m === "POST" || m === "PUT"))
    return {
      aclPath,
      access: "public",
      handle: async () => {
        const role = await roles.login(mount, req.body["role_id"], req.body["secret_id"]);
        return loginAnswer(core, mount, role.config, "approle", { role_name: role.name });
      },
    };
  const parts = rest.split("/");
  const crud = roleRoute(req, aclPath, mount, parts, roles, (r) => ({
    ...r.config,
    policies: r.config.token_policies,
  }));
  if (crud) return crud;
  const name = parts[1] ?? "";
  if (parts.length === 3 && parts[2] === "role-id" && m === "GET")
    return {
      aclPath,
      access: "read",
      handle: async () => {
        const r = await roles.get(mount, name);
        if (!r) throw invalid(`role "${name}" does not exist`);
        return ok({ role_id: r.roleId });
      },
    };
  if (parts.length === 3 && parts[2] === "secret-id" && (m === "POST" || m === "PUT"))
    return {
      aclPath,
      access: "update",
      handle: async () => {
        const s = await roles.newSecretId(mount, name);
        return ok({
          secret_id: s.secretId,
          secret_id_accessor: s.accessor,
          secret_id_ttl: s.ttl,
          secret_id_num_uses: 0,
        });
      },
    };
  return undefined;
}
