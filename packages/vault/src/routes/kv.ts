/** KV v2 routes: <mount>/data|metadata|delete|undelete|destroy|config/<path>. */
import { invalid } from "../errors.js";
import type { VaultCore } from "../core.js";
import type { MountConfig } from "../kv/engine.js";
import { noContent, notFound, ok, type Route, type VaultRequest } from "../types.js";
import { asBool, asInt, parseDuration } from "../util.js";
import { kvPatchRoute } from "./kv-patch.js";

function versionsOf(body: Record<string, unknown>): number[] {
  const v = body["versions"];
  const list = Array.isArray(v)
    ? v
    : typeof v === "string"
      ? v.split(",")
      : typeof v === "number"
        ? [v]
        : undefined;
  if (!list || list.length === 0) throw invalid("no version number provided");
  return list.map((x) => {
    const n = typeof x === "string" ? Number(x.trim()) : x;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1)
      throw invalid(`invalid version ${JSON.stringify(x)}`);
    return n;
  });
}

function customMetadata(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v) || !Object.values(v).every((x) => typeof x === "string"))
    throw invalid("custom_metadata must be a map of strings");
  if (Object.keys(v).length > 64) throw invalid("custom_metadata may hold at most 64 keys");
  return v as Record<string, string>;
}

export function kvRoute(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  cfg: MountConfig,
  rest: string,
): Route | undefined {
  const kv = core.kv;
  const [op, ...tail] = rest.split("/");
  const path = tail.join("/");
  const aclPath = `${mount}/${rest}`;
  const m = req.method;
  if (m === "PATCH") return kvPatchRoute(core, req, mount, cfg, op ?? "", path);
  if (op === "data" && m === "GET")
    return {
      aclPath,
      access: "read",
      handle: async (caller) => {
        const version = asInt(req.query.get("version") ?? undefined, "version", 0);
        const res = await kv.read(mount, path, version);
        if (!res) return notFound();
        if (res.data === null)
          return notFound({
            request_id: crypto.randomUUID(),
            data: { data: null, metadata: res.metadata },
            errors: [],
          });
        await core.recordRead(mount, path, caller);
        return ok(res);
      },
    };
  if (op === "data" && (m === "POST" || m === "PUT"))
    return {
      aclPath,
      access: "write",
      exists: () => kv.exists(mount, path),
      handle: async () => {
        const options = (req.body["options"] ?? {}) as Record<string, unknown>;
        const cas = options["cas"] === undefined ? undefined : asInt(options["cas"], "cas", 0);
        return ok(await kv.write(mount, path, req.body["data"], cas, cfg));
      },
    };
  if (op === "data" && m === "DELETE")
    return {
      aclPath,
      access: "delete",
      handle: async () => {
        await kv.deleteLatest(mount, path);
        return noContent();
      },
    };
  if ((op === "delete" || op === "undelete" || op === "destroy") && (m === "POST" || m === "PUT"))
    return {
      aclPath,
      access: "update",
      handle: async () => {
        const versions = versionsOf(req.body);
        if (op === "destroy") await kv.destroy(mount, path, versions);
        else await kv.setDeletion(mount, path, versions, op === "delete" ? Date.now() : 0);
        return noContent();
      },
    };
  if (op === "metadata" && m === "LIST")
    return {
      aclPath,
      access: "list",
      handle: async () => {
        const keys = await kv.list(mount, path);
        return keys ? ok({ keys }) : notFound();
      },
    };
  if (op === "metadata" && m === "GET")
    return {
      aclPath,
      access: "read",
      handle: async () => {
        const meta = await kv.readMetadata(mount, path);
        return meta ? ok(meta) : notFound();
      },
    };
  if (op === "metadata" && (m === "POST" || m === "PUT"))
    return {
      aclPath,
      access: "update",
      handle: async () => {
        const b = req.body;
        await kv.writeMetadata(mount, path, {
          maxVersions:
            b["max_versions"] === undefined ? undefined : asInt(b["max_versions"], "max_versions", 0),
          casRequired:
            b["cas_required"] === undefined ? undefined : asBool(b["cas_required"], "cas_required", false),
          deleteVersionAfter:
            b["delete_version_after"] === undefined
              ? undefined
              : parseDuration(b["delete_version_after"], "delete_version_after"),
          customMetadata: customMetadata(b["custom_metadata"]),
        });
        return noContent();
      },
    };
  if (op === "metadata" && m === "DELETE")
    return {
      aclPath,
      access: "delete",
      handle: async () => {
        await kv.deleteAll(mount, path);
        return noContent();
      },
    };
  if (op === "config" && path === "" && m === "GET")
    return {
      aclPath,
      access: "read",
      handle: async () =>
        ok({ max_versions: cfg.maxVersions, cas_required: cfg.casRequired, delete_version_after: "0s" }),
    };
  return undefined;
}
