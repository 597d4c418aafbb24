/** sys/*: init, unseal, seal, health, mounts, auth methods, policies, key rotation. */
import { invalid } from "../errors.js";
import { parsePolicy } from "../policy/policy.js";
import type { VaultCore } from "../core.js";
import { noContent, notFound, ok, type Route, type VaultRequest, type VaultResponse } from "../types.js";
import { asInt } from "../util.js";
import { passphraseSecret } from "../seal/unseal-methods.js";
import { unsealMethodRoute, unsealWithSecret } from "../unseal.js";

const BUILTIN_POLICIES = new Set(["root"]);

async function initRoute(core: VaultCore, req: VaultRequest): Promise<VaultResponse> {
  if (req.method === "GET")
    return { status: 200, body: { initialized: (await core.sealStatus()).initialized } };
  const shares = asInt(req.body["secret_shares"], "secret_shares", NaN);
  const threshold = asInt(req.body["secret_threshold"], "secret_threshold", NaN);
  if (Number.isNaN(shares) || Number.isNaN(threshold))
    throw invalid("secret_shares and secret_threshold are required");
  const res = await core.initialize(shares, threshold);
  return { status: 200, body: res };
}

async function healthRoute(core: VaultCore): Promise<VaultResponse> {
  const s = await core.sealStatus();
  const status = !s.initialized ? 501 : s.sealed ? 503 : 200;
  return {
    status,
    body: {
      initialized: s.initialized,
      sealed: s.sealed,
      standby: false,
      performance_standby: false,
      server_time_utc: Math.floor(Date.now() / 1000),
      version: s.version,
      cluster_name: "bulwark",
    },
  };
}

function policyRoutes(core: VaultCore, req: VaultRequest, base: string, name: string): Route | undefined {
  const aclPath = name ? `${base}/${name}` : base;
  if (!name) {
    if (req.method !== "GET" && req.method !== "LIST") return undefined;
    return {
      aclPath,
      access: req.method === "LIST" ? "list" : "read",
      handle: async () => {
        const names = ["default", ...(await core.policyNames()).filter((n) => n !== "default"), "root"];
        return ok({ keys: names, policies: names }, { keys: names, policies: names });
      },
    };
  }
  if (req.method === "GET")
    return {
      aclPath,
      access: "read",
      handle: async () => {
        const raw = await core.policyText(name);
        if (raw === undefined) return notFound();
        return ok({ name, rules: raw, policy: raw }, { name, rules: raw });
      },
    };
  if (req.method === "PUT" || req.method === "POST")
    return {
      aclPath,
      access: "update",
      handle: async () => {
        if (BUILTIN_POLICIES.has(name)) throw invalid(`cannot update "${name}" policy`);
        const text = req.body["policy"] ?? req.body["rules"];
        if (typeof text !== "string" || text === "")
          throw invalid("'policy' parameter not supplied or empty");
        parsePolicy(name, text);
        await core.putPolicy(name, text);
        return noContent();
      },
    };
  if (req.method === "DELETE")
    return {
      aclPath,
      access: "delete",
      handle: async () => {
        if (BUILTIN_POLICIES.has(name) || name === "default") throw invalid(`cannot delete "${name}" policy`);
        await core.deletePolicy(name);
        return noContent();
      },
    };
  return undefined;
}

function mountRoutes(
  core: VaultCore,
  req: VaultRequest,
  kind: "secret" | "auth",
  rest: string,
): Route | undefined {
  const base = kind === "secret" ? "sys/mounts" : "sys/auth";
  if (rest === "" && req.method === "GET")
    return {
      aclPath: base,
      access: "read",
      handle: async () => {
        const mounts = await core.mountTable(kind);
        return ok(mounts, mounts);
      },
    };
  if (rest === "") return undefined;
  const path = rest.replace(/\/+$/, "");
  if (req.method === "POST" || req.method === "PUT")
    return {
      aclPath: `${base}/${path}`,
      access: "sudo",
      handle: async () => {
        await core.enableMount(kind, path, req.body);
        return noContent();
      },
    };
  if (req.method === "DELETE")
    return {
      aclPath: `${base}/${path}`,
      access: "sudo",
      handle: async () => {
        await core.disableMount(kind, path);
        return noContent();
      },
    };
  return undefined;
}

export function sysRoute(core: VaultCore, req: VaultRequest, rest: string): Route | undefined {
  const pub = (handle: Route["handle"]): Route => ({ aclPath: `sys/${rest}`, access: "public", handle });
  switch (rest) {
    case "init":
      return pub(() => initRoute(core, req));
    case "seal-status":
      return pub(async () => ({ status: 200, body: await core.sealStatus() }));
    case "health":
      return pub(() => healthRoute(core));
    case "unseal":
      if (req.method !== "PUT" && req.method !== "POST") return undefined;
      return pub(async () => {
        // Bulwark extension: {"passphrase": "..."} unseals with a passphrase set up beforehand
        if (req.body["passphrase"] !== undefined && req.body["key"] === undefined) {
          const secret = passphraseSecret(req.body["passphrase"]);
          try {
            await unsealWithSecret(core, "passphrase", secret);
          } finally {
            secret.fill(0);
          }
        } else await core.submitUnsealKey(req.body["key"], req.body["reset"] === true);
        return { status: 200, body: await core.sealStatus() };
      });
    case "seal":
      return {
        aclPath: "sys/seal",
        access: "sudo",
        handle: async () => {
          core.sealNow();
          return noContent();
        },
      };
    case "rotate":
      return {
        aclPath: "sys/rotate",
        access: "sudo",
        handle: async () => {
          const { version, rewrapped, failed } = await core.rotateKek();
          return ok({
            term: version,
            rewrapped,
            failed: failed.map((f) => `${f.mount}/${f.path}@${f.version}`),
          });
        },
      };
    case "key-status":
      return { aclPath: "sys/key-status", access: "read", handle: async () => ok(core.keyStatus()) };
  }
  if (rest === "wrapping/unwrap" && (req.method === "POST" || req.method === "PUT"))
    // the wrapping token itself is the credential (in the body or as X-Vault-Token)
    return {
      aclPath: "sys/wrapping/unwrap",
      access: "public",
      handle: () => core.unwrap(req.body["token"] ?? req.token),
    };
  if (rest === "bulwark/leaks" && (req.method === "POST" || req.method === "PUT"))
    return {
      aclPath: "sys/bulwark/leaks",
      access: "sudo",
      handle: async () => ok({ matches: await core.matchLeakHashes(req.body["hashes"]) }),
    };
  if (rest === "bulwark/unseal-methods" || rest.startsWith("bulwark/unseal-methods/"))
    return unsealMethodRoute(core, req, rest.slice("bulwark/unseal-methods/".length));
  const [head, ...tail] = rest.split("/");
  const name = tail.join("/");
  if (head === "policy") return policyRoutes(core, req, "sys/policy", name);
  if (head === "policies" && tail[0] === "acl")
    return policyRoutes(core, req, "sys/policies/acl", tail.slice(1).join("/"));
  if (head === "mounts") return mountRoutes(core, req, "secret", name);
  if (head === "auth") return mountRoutes(core, req, "auth", name);
  if (head === "leases") return core.leaseRoute(req, name);
  if (head === "capabilities-self")
    return {
      aclPath: "sys/capabilities-self",
      access: "self",
      handle: async (caller) => {
        const paths = req.body["paths"] ?? req.body["path"];
        const list = Array.isArray(paths) ? paths : [paths];
        if (!list.every((p): p is string => typeof p === "string"))
          throw invalid("'paths' must be a list of strings");
        const acl = await core.aclFor(caller!.token);
        const out: Record<string, string[]> = {};
        for (const p of list) out[p] = acl.root ? ["root"] : [...acl.capabilities(p)].sort();
        if (out[list[0] as string]?.length === 0) out[list[0] as string] = ["deny"];
        return ok(
          { ...out, capabilities: out[list[0] as string] },
          { ...out, capabilities: out[list[0] as string] },
        );
      },
    };
  return undefined;
}
