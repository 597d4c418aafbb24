/**
 * Routes of a workload auth mount (`auth/workload/…` by default):
 * `config` (GET, POST), `role` (LIST), `role/<name>` (GET, POST, DELETE), `login` (POST).
 */
import type { VaultCore } from "../core.js";
import { loginAnswer, roleRoute } from "../routes/roles.js";
import { noContent, notFound, ok, type Route, type VaultRequest } from "../types.js";

export function workloadRoute(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  rest: string,
): Route | undefined {
  const aclPath = `auth/${mount}/${rest}`;
  const m = req.method;
  const w = core.workloads;
  if (rest === "login" && (m === "POST" || m === "PUT"))
    return {
      aclPath,
      access: "public",
      handle: async () => {
        const { role, config, claims } = await w.login(mount, req.body["role"], req.body["attestation"]);
        const meta: Record<string, string> = {
          workload_role: role,
          container_id: claims.sub,
          image_digest: claims.image_digest ?? "",
        };
        if (claims.namespace) meta["namespace"] = claims.namespace;
        if (claims.service_account) meta["service_account"] = claims.service_account;
        return loginAnswer(core, mount, config, `workload-${role}`, meta);
      },
    };
  if (rest === "config") {
    if (m === "POST" || m === "PUT")
      return {
        aclPath,
        access: "update",
        handle: async () => {
          await w.putConfig(mount, req.body);
          return noContent();
        },
      };
    if (m === "GET")
      return {
        aclPath,
        access: "read",
        handle: async () => {
          const cfg = await w.config(mount);
          return cfg ? ok(cfg) : notFound();
        },
      };
    return undefined;
  }
  return roleRoute(req, aclPath, mount, rest.split("/"), w, (r) => r);
}
