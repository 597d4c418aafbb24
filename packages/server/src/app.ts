import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Store } from "@bulwark/store";
import { hashSecret, sameSecret } from "./auth/secrets.js";
import { LoginLimiter } from "./auth/ratelimit.js";
import { VersionedCache, VersionReader, type Versions } from "./repo/versions.js";
import type { Principal } from "./auth/scopes.js";
import { ServerError } from "./errors.js";
import { openApiDocument } from "./openapi.js";
import { audit } from "./repo/audit.js";
import { principalForSession, principalForToken } from "./repo/identity.js";
import { dataRoutes } from "./routes/data.js";
import { identityRoutes, SESSION_COOKIE } from "./routes/identity.js";
import { inventoryRoutes } from "./routes/inventory.js";
import { priorityRoutes } from "./routes/priority.js";
import type { AppContext, RouteDef } from "./routes/types.js";

/** The explicit list of route families. */
export const ROUTES: readonly RouteDef[] = [
  ...identityRoutes,
  ...dataRoutes,
  ...inventoryRoutes,
  ...priorityRoutes,
];

export interface AppOptions {
  store: Store;
  /** Largest request body; a larger report gets 413 and nothing is stored. */
  bodyLimit?: number;
  https?: { cert: Buffer; key: Buffer };
  rematch?: () => Promise<unknown>;
  /** Matches one stored inventory now (an uploaded SBOM); undefined without an advisory database. */
  matchInventory?: AppContext["matchInventory"];
  logger?: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
    /** The store's data versions, read once per request that needs them (repo/versions.ts). */
    versions?: Versions;
  }
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? 64 * 1024 * 1024,
    logger: opts.logger ?? false,
    ...(opts.https ? { https: opts.https } : {}),
    ajv: { customOptions: { allErrors: false, removeAdditional: false } },
  }) as unknown as FastifyInstance;
  await app.register(cookie);
  const ctx: AppContext = {
    store: opts.store,
    limiter: new LoginLimiter(),
    findingsPages: new VersionedCache<string>(512, 64 * 1024 * 1024, (body) => body.length),
    tokenPrincipals: new VersionedCache<Principal>(10_000),
    versions: new VersionReader(opts.store),
    tls: Boolean(opts.https),
    ...(opts.rematch ? { rematch: opts.rematch } : {}),
    ...(opts.matchInventory ? { matchInventory: opts.matchInventory } : {}),
  };
  const document = openApiDocument(ROUTES);

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler(
    (_req, reply) => void reply.code(404).send({ error: "NOT_FOUND", message: "no such route" }),
  );
  app.addHook("onRequest", async (req) => {
    req.principal = await authenticate(ctx, req);
  });
  // onSend, not onResponse: the entry is written before the client hears the answer.
  app.addHook("onSend", async (req, reply, payload) => {
    if (MUTATING.has(req.method))
      await auditRequest(ctx.store, req, reply.statusCode).catch((e: unknown) => req.log.error(e));
    return payload;
  });

  app.get("/api/v1/openapi.json", async () => document);
  app.get("/api/v1/health", async () => ({ ok: true }));
  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      schema: {
        ...(route.body ? { body: route.body } : {}),
        ...(route.querystring ? { querystring: route.querystring } : {}),
        ...(route.params ? { params: route.params } : {}),
      },
      preValidation: async (req) => authorize(route, req),
      handler: async (req, reply) => route.handler(req, reply, ctx, req.principal),
    });
  }
  return app;
}

/** Bearer token first, then the session cookie; invalid credentials are simply no principal. */
async function authenticate(ctx: AppContext, req: FastifyRequest): Promise<Principal | undefined> {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return tokenPrincipal(ctx, req, auth.slice(7).trim());
  const session = req.cookies?.[SESSION_COOKIE];
  if (session) return principalForSession(ctx.store, session);
  return undefined;
}

/**
 * A token's principal, kept while no token changes (a revocation is one): agents and consoles
 * send the same token with every request, and looking it up was one of a list request's two
 * database round trips. Unknown tokens are not kept, so guessing fills nothing.
 */
async function tokenPrincipal(
  ctx: AppContext,
  req: FastifyRequest,
  secret: string,
): Promise<Principal | undefined> {
  req.versions = await ctx.versions.read();
  const version = req.versions.tokens;
  // Keyed by the secret's hash: the process keeps no list of live secrets.
  const key = hashSecret(secret);
  const cached = ctx.tokenPrincipals.get(key, version);
  if (cached) return cached;
  const principal = await principalForToken(ctx.store, secret);
  if (principal) ctx.tokenPrincipals.set(key, version, principal);
  return principal;
}

/** Runs before body validation, so nothing about a request reaches data without the right scope. */
function authorize(route: RouteDef, req: FastifyRequest): void {
  if (route.access === "public") return;
  const p = req.principal;
  if (!p) throw new ServerError("UNAUTHENTICATED", "a valid session or API token is required");
  if (route.access !== "any" && !p.scopes.includes(route.access)) {
    throw new ServerError("FORBIDDEN", `this call needs the ${route.access} scope`);
  }
  if (p.via === "session" && MUTATING.has(req.method)) {
    const sent = req.headers["x-csrf-token"];
    if (typeof sent !== "string" || !p.csrf || !sameSecret(sent, p.csrf)) {
      throw new ServerError("CSRF", "missing or wrong X-CSRF-Token header for a session request");
    }
  }
}

async function auditRequest(store: Store, req: FastifyRequest, status: number): Promise<void> {
  const login = req.routeOptions.url === "/api/v1/login" || req.routeOptions.url === "/api/v1/setup";
  const named = login ? (req.body as { name?: unknown } | undefined)?.name : undefined;
  const actor =
    req.principal?.actor ?? (typeof named === "string" ? `attempt:${named.slice(0, 64)}` : "anonymous");
  await audit(store, {
    actor,
    action: `${req.method} ${req.routeOptions.url ?? "unknown route"}`,
    target: req.url.slice(0, 512),
    source: req.ip,
    outcome: status,
  });
}

const STORE_DOWN = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "57P01",
  "57P02",
  "57P03",
  "08006",
  "08001",
  "08003",
  "08004",
]);

function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  if (err instanceof ServerError) {
    void reply.code(err.status).send({ error: err.code, message: err.message });
  } else if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    void reply.code(413).send({
      error: "TOO_LARGE",
      message: `request body is larger than the server's limit of ${req.routeOptions.bodyLimit ?? "?"} bytes; nothing was stored`,
    });
  } else if (e.validation) {
    void reply.code(400).send({ error: "INVALID_REQUEST", message: e.message ?? "invalid request" });
  } else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    void reply.code(e.statusCode).send({ error: "INVALID_REQUEST", message: e.message ?? "invalid request" });
  } else if (e.code && STORE_DOWN.has(e.code)) {
    void reply
      .code(503)
      .header("retry-after", "5")
      .send({ error: "STORE_UNAVAILABLE", message: "the database is unavailable; retry later" });
  } else {
    req.log.error(err);
    void reply.code(500).send({ error: "INTERNAL", message: "internal error" });
  }
}
