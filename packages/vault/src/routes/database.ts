/** Database engine routes (<mount>/config|roles|creds) and sys/leases/lookup|renew|revoke. */
import type { VaultCore } from "../core.js";
import { invalid } from "../errors.js";
import { noContent, notFound, ok, type Route, type VaultRequest } from "../types.js";
import { parseDuration } from "../util.js";

export function databaseRoute(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  rest: string,
): Route | undefined {
  const [op, name = "", ...more] = rest.split("/");
  if (more.length > 0 || !name) return undefined;
  const aclPath = `${mount}/${rest}`;
  const write = req.method === "POST" || req.method === "PUT";
  if (op === "config" && write)
    return {
      aclPath,
      access: "update",
      handle: async () => {
        await core.db.configure(mount, name, req.body);
        return noContent();
      },
    };
  if (op === "roles" && write)
    return {
      aclPath,
      access: "update",
      handle: async () => {
        await core.db.putRole(mount, name, req.body);
        return noContent();
      },
    };
  if (op === "roles" && req.method === "GET")
    return {
      aclPath,
      access: "read",
      handle: async () => {
        const role = await core.db.getRole(mount, name);
        return role ? ok(role) : notFound();
      },
    };
  if (op === "creds" && req.method === "GET")
    return {
      aclPath,
      access: "read",
      handle: async () => {
        const lease = await core.db.issue(mount, name);
        return ok(
          { username: lease.username, password: lease.password },
          { lease_id: lease.leaseId, lease_duration: lease.ttl, renewable: true },
        );
      },
    };
  return undefined;
}

export function leaseRoute(core: VaultCore, req: VaultRequest, rest: string): Route | undefined {
  if (req.method !== "PUT" && req.method !== "POST") return undefined;
  const aclPath = `sys/leases/${rest}`;
  const leaseId = (): string => {
    const id = req.body["lease_id"];
    if (typeof id !== "string" || id === "") throw invalid("missing lease_id");
    return id;
  };
  if (rest === "revoke")
    return {
      aclPath,
      access: "update",
      handle: async () => {
        await core.db.revoke(leaseId());
        return noContent();
      },
    };
  if (rest === "renew")
    return {
      aclPath,
      access: "update",
      handle: async () => {
        const id = leaseId();
        const ttl = await core.db.renew(id, parseDuration(req.body["increment"], "increment"));
        return ok(null, { lease_id: id, lease_duration: ttl, renewable: true });
      },
    };
  if (rest === "lookup")
    return {
      aclPath,
      access: "update",
      handle: async () => {
        const lease = await core.db.lookup(leaseId());
        if (!lease) throw invalid("invalid lease");
        const ttl = Math.max(0, Math.floor((lease.expires - Date.now()) / 1000));
        return ok({
          id: lease.id,
          issue_time: new Date(lease.created).toISOString(),
          expire_time: new Date(lease.expires).toISOString(),
          ttl,
          renewable: true,
        });
      },
    };
  return undefined;
}
