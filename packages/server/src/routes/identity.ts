import type { FastifyReply } from "fastify";
import { ServerError } from "../errors.js";
import { listAudit } from "../repo/audit.js";
import { completeSetup, createToken, createUser, login, logout } from "../repo/identity.js";
import { loginBody, pageQuery, setupBody, tokenBody, userBody, idParams } from "../schemas.js";
import type { AppContext, RouteDef } from "./types.js";

export const SESSION_COOKIE = "bulwark_session";

function setSessionCookie(reply: FastifyReply, value: string, maxAge: number): void {
  // Secure + HttpOnly + SameSite=Strict; Secure cookies are still sent to http://localhost by browsers.
  reply.setCookie(SESSION_COOKIE, value, {
    path: "/",
    httpOnly: true,
    secure: true,
    sameSite: "strict",
    maxAge,
  });
}

type Body<T> = { body: T };

export const identityRoutes: RouteDef[] = [
  {
    method: "POST",
    url: "/api/v1/setup",
    summary: "Create the first admin with the one-time setup token printed at first start",
    access: "public",
    body: setupBody,
    status: 201,
    async handler(req, reply, ctx) {
      const { token, name, password } = (
        req as unknown as Body<{ token: string; name: string; password: string }>
      ).body;
      const user = await completeSetup(ctx.store, token, name, password);
      reply.code(201);
      return { id: user.id, name: user.name, role: user.role };
    },
  },
  {
    method: "POST",
    url: "/api/v1/login",
    summary: "Start a session (cookie) and get its CSRF token; rate limited per address and user",
    access: "public",
    body: loginBody,
    async handler(req, reply, ctx) {
      const { name, password } = (req as unknown as Body<{ name: string; password: string }>).body;
      const key = `${req.ip}\u0000${name}`;
      if (ctx.limiter.blocked(key))
        throw new ServerError("RATE_LIMITED", "too many failed logins; try again later");
      const result = await login(ctx.store, name, password);
      if (!result) {
        ctx.limiter.fail(key);
        throw new ServerError("UNAUTHENTICATED", "wrong user name or password");
      }
      ctx.limiter.succeed(key);
      setSessionCookie(reply, result.session, 8 * 3600);
      return { name: result.user.name, role: result.user.role, csrfToken: result.csrf };
    },
  },
  {
    method: "POST",
    url: "/api/v1/logout",
    summary: "End the current session",
    access: "any",
    async handler(req, reply, ctx) {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) await logout(ctx.store, cookie);
      setSessionCookie(reply, "", 0);
      return { ok: true };
    },
  },
  {
    method: "GET",
    url: "/api/v1/me",
    summary: "Who the credentials belong to and what they may do",
    access: "any",
    async handler(_req, _reply, _ctx, principal) {
      return { actor: principal?.actor, scopes: principal?.scopes, via: principal?.via };
    },
  },
  {
    method: "POST",
    url: "/api/v1/users",
    summary: "Create a user",
    access: "admin",
    body: userBody,
    status: 201,
    async handler(req, reply, ctx: AppContext) {
      const b = (req as unknown as Body<{ name: string; role: string; password?: string }>).body;
      const user = await createUser(ctx.store, b.name, b.role, b.password);
      reply.code(201);
      return { id: user.id, name: user.name, role: user.role };
    },
  },
  {
    method: "GET",
    url: "/api/v1/users",
    summary: "List users",
    access: "admin",
    async handler(_req, _reply, ctx) {
      return { items: await ctx.store.query("SELECT id, name, role, created_at FROM users ORDER BY name") };
    },
  },
  {
    method: "POST",
    url: "/api/v1/tokens",
    summary: "Create an API token (ingest, read or admin); its secret is returned once",
    access: "admin",
    body: tokenBody,
    status: 201,
    async handler(req, reply, ctx) {
      const b = (req as unknown as Body<{ scope: string; name?: string }>).body;
      const t = await createToken(ctx.store, { scope: b.scope, ...(b.name ? { name: b.name } : {}) });
      reply.code(201);
      return { id: t.id, name: t.name, scope: t.scope, token: t.secret };
    },
  },
  {
    method: "GET",
    url: "/api/v1/tokens",
    summary: "List API tokens (never their secrets)",
    access: "admin",
    async handler(_req, _reply, ctx) {
      return {
        items: await ctx.store.query(
          "SELECT id, name, scope, created_at, revoked_at FROM api_tokens WHERE one_time = 0 ORDER BY created_at",
        ),
      };
    },
  },
  {
    method: "DELETE",
    url: "/api/v1/tokens/:id",
    summary: "Revoke an API token",
    access: "admin",
    params: idParams,
    async handler(req, _reply, ctx) {
      const { id } = req.params as { id: string };
      const r = await ctx.store.exec(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        [Date.now(), id],
      );
      if (r.changes === 0) throw new ServerError("NOT_FOUND", "no such active token");
      return { revoked: id };
    },
  },
  {
    method: "GET",
    url: "/api/v1/audit",
    summary: "The append-only audit log (who, what, when, from where)",
    access: "admin",
    querystring: {
      ...pageQuery,
      properties: {
        after: { type: "integer", minimum: 0 },
        limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
      },
    },
    async handler(req, _reply, ctx) {
      const q = req.query as { after?: number; limit: number };
      return {
        items: await listAudit(ctx.store, {
          ...(q.after !== undefined ? { after: q.after } : {}),
          limit: q.limit,
        }),
      };
    },
  },
];
