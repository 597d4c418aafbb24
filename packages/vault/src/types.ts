/** The transport-neutral request/response shapes the HTTP layer maps onto. */
import type { TokenEntry } from "./auth/tokens.js";
import type { Capability } from "./policy/policy.js";

export type VaultMethod = "GET" | "POST" | "PUT" | "DELETE" | "LIST" | "PATCH";

export interface VaultRequest {
  method: VaultMethod;
  /** The API path after `/v1/`, without query string. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  token?: string;
  remote: string;
  /** The Content-Type header (KV PATCH requires application/merge-patch+json). */
  contentType?: string;
  /** From `X-Vault-Wrap-TTL`: wrap the response (seconds). */
  wrapTtl?: number;
}

export interface VaultResponse {
  status: number;
  body?: unknown;
}

export interface Caller {
  token: TokenEntry;
  tokenId: string;
}

/**
 * One resolved route: what ACL path and capability it needs, and the handler.
 * `access`: "public" needs no token (init, unseal, login), "self" needs any valid token,
 * "write" needs "create" when `exists()` says the target is new and "update" otherwise
 * (Vault's existence check), otherwise the capability on `aclPath`.
 */
export interface Route {
  aclPath: string;
  access: "public" | "self" | "write" | Capability;
  exists?: () => Promise<boolean>;
  handle: (caller: Caller | undefined) => Promise<VaultResponse>;
}

export function ok(data: unknown, extra: Record<string, unknown> = {}): VaultResponse {
  return {
    status: 200,
    body: {
      request_id: crypto.randomUUID(),
      lease_id: "",
      renewable: false,
      lease_duration: 0,
      data,
      wrap_info: null,
      warnings: null,
      auth: null,
      ...extra,
    },
  };
}

export const noContent = (): VaultResponse => ({ status: 204 });
export const notFound = (body: unknown = { errors: [] }): VaultResponse => ({ status: 404, body });
