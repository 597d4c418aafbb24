import type { FastifyReply, FastifyRequest } from "fastify";
import type { Store } from "@bulwark/store";
import type { LoginLimiter } from "../auth/ratelimit.js";
import type { Principal, Scope } from "../auth/scopes.js";
import type { VersionedCache, VersionReader } from "../repo/versions.js";

export interface AppContext {
  store: Store;
  limiter: LoginLimiter;
  /** The findings list's serialised pages, by query, under the findings version. */
  findingsPages: VersionedCache<string>;
  /** API tokens' principals, by secret, under the tokens version. */
  tokenPrincipals: VersionedCache<Principal>;
  /** The store's data versions, shared by concurrent requests (never a read begun before one arrived). */
  versions: VersionReader;
  /** Re-matches every stored inventory now (admin action); undefined without an advisory database. */
  rematch?: () => Promise<unknown>;
  matchInventory?: (
    asset: string,
    scanId: string,
  ) => Promise<{ dbVersion: string; new: number; fixed: number; reopened: number } | undefined>;
  /** TLS in use: cookies get Secure (browsers also accept Secure cookies on http://localhost). */
  tls: boolean;
}

export interface RouteDef {
  method: "GET" | "POST" | "DELETE";
  /** fastify syntax (`:key`); the OpenAPI document writes `{key}`. */
  url: string;
  summary: string;
  /** "public": no credentials; "any": any valid session or token. */
  access: Scope | "public" | "any";
  body?: object;
  querystring?: object;
  params?: object;
  /** Status of a successful answer, for the document (default 200). */
  status?: number;
  handler(
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: AppContext,
    principal: Principal | undefined,
  ): Promise<unknown>;
}
