/**
 * The role endpoints every auth method with roles has (AppRole, workload): `role` (LIST) and
 * `role/<name>` (GET, POST/PUT, DELETE), over that method's own role store.
 */
import type { VaultCore } from "../core.js";
import { noContent, notFound, ok, type Route, type VaultRequest, type VaultResponse } from "../types.js";
import { authBlock } from "./auth-block.js";

/** The token settings a role grants at login (AppRole and workload roles share these names). */
export interface RoleTokenSettings {
  token_policies: string[];
  token_ttl: number;
  token_max_ttl: number;
  token_num_uses?: number;
}

/** A login's answer: a token with the role's policies (plus "default") and limits. */
export async function loginAnswer(
  core: VaultCore,
  mount: string,
  settings: RoleTokenSettings,
  displayName: string,
  meta: Record<string, string>,
): Promise<VaultResponse> {
  const { token, entry } = await core.tokens.create({
    policies: [...settings.token_policies, "default"],
    ttl: settings.token_ttl,
    explicitMaxTtl: settings.token_max_ttl,
    ...(settings.token_num_uses !== undefined ? { numUses: settings.token_num_uses } : {}),
    displayName,
    meta,
    path: `auth/${mount}/login`,
  });
  return ok(null, { auth: authBlock(token, entry) });
}

export interface RoleStore<R> {
  list(mount: string): Promise<string[]>;
  get(mount: string, name: string): Promise<R | undefined>;
  put(mount: string, name: string, body: Record<string, unknown>): Promise<void>;
  remove(mount: string, name: string): Promise<void>;
}

/** PARTS is the path after the mount split on "/"; undefined when it is not a role endpoint. */
export function roleRoute<R>(
  req: VaultRequest,
  aclPath: string,
  mount: string,
  parts: string[],
  roles: RoleStore<R>,
  show: (role: R) => unknown,
): Route | undefined {
  const m = req.method;
  if (parts[0] !== "role") return undefined;
  if (parts.length === 1 && m === "LIST")
    return { aclPath, access: "list", handle: async () => ok({ keys: await roles.list(mount) }) };
  if (parts.length !== 2) return undefined;
  const name = parts[1]!;
  if (m === "POST" || m === "PUT")
    return {
      aclPath,
      access: "write",
      exists: async () => (await roles.get(mount, name)) !== undefined,
      handle: async () => {
        await roles.put(mount, name, req.body);
        return noContent();
      },
    };
  if (m === "GET")
    return {
      aclPath,
      access: "read",
      handle: async (): Promise<VaultResponse> => {
        const r = await roles.get(mount, name);
        return r ? ok(show(r)) : notFound();
      },
    };
  if (m === "DELETE")
    return {
      aclPath,
      access: "delete",
      handle: async () => {
        await roles.remove(mount, name);
        return noContent();
      },
    };
  return undefined;
}
