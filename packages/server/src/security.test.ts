import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { ROUTES } from "./app.js";
import { call, report, startTestServer, vuln, type TestServer } from "./testing/index.js";

let pg: RunningPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(() => pg?.stop());

const concrete = (url: string): string =>
  url.replace(":key", "0".repeat(40)).replace(":asset", "x").replace(":id", "0".repeat(24));

describe.each(["sqlite", "postgres"] as const)("security on %s", (dialect) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(dialect, pg);
  });
  afterAll(() => srv?.dispose());

  it("serves an OpenAPI document without credentials that describes every route", async () => {
    const res = await call(srv, "GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    for (const r of ROUTES) {
      expect(
        paths[r.url.replace(/:([A-Za-z]+)/g, "{$1}")]?.[r.method.toLowerCase()],
        `${r.method} ${r.url}`,
      ).toBeDefined();
    }
  });

  it("lets no request without a valid session or token reach a non-public route", async () => {
    for (const r of ROUTES.filter((x) => x.access !== "public")) {
      for (const token of [undefined, "bwk_forged", srv.setupToken ?? "bwsetup_x"]) {
        const res = await call(srv, r.method, concrete(r.url), {
          ...(token ? { token } : {}),
          body: r.method === "GET" ? undefined : {},
        });
        expect(res.status, `${r.method} ${r.url} with ${token ?? "nothing"}`).toBe(401);
      }
    }
  });

  it("an ingest-only token can ingest but cannot read; a read token cannot ingest or administer", async () => {
    const up = { reportId: "r-scope-test-1", report: report("scope:test", [vuln("CVE-1", "a", "1")]) };
    expect((await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: up })).status).toBe(
      201,
    );
    for (const r of ROUTES.filter((x) => x.access === "read" || x.access === "admin")) {
      const res = await call(srv, r.method, concrete(r.url), {
        token: srv.tokens.ingest,
        body: r.method === "GET" ? undefined : {},
      });
      expect(res.status, `${r.method} ${r.url}`).toBe(403);
    }
    expect((await call(srv, "GET", "/api/v1/findings", { token: srv.tokens.read })).status).toBe(200);
    expect((await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.read, body: up })).status).toBe(403);
    expect(
      (await call(srv, "POST", "/api/v1/tokens", { token: srv.tokens.read, body: { scope: "admin" } }))
        .status,
    ).toBe(403);
    // A revoked token stops working at once.
    const made = await call(srv, "POST", "/api/v1/tokens", {
      token: srv.tokens.admin,
      body: { scope: "read", name: "short-lived" },
    });
    expect(made.status).toBe(201);
    expect((await call(srv, "GET", "/api/v1/me", { token: made.body.token as string })).status).toBe(200);
    expect(
      (await call(srv, "DELETE", `/api/v1/tokens/${made.body.id as string}`, { token: srv.tokens.admin }))
        .status,
    ).toBe(200);
    expect((await call(srv, "GET", "/api/v1/me", { token: made.body.token as string })).status).toBe(401);
  });

  it("the first-run token works once; sessions get Secure HttpOnly SameSite cookies and need the CSRF header", async () => {
    expect(srv.setupToken).toMatch(/^bwsetup_/);
    const setup = { token: srv.setupToken, name: "first-admin", password: "a long enough password" };
    expect((await call(srv, "POST", "/api/v1/setup", { body: setup })).status).toBe(201);
    expect(
      (await call(srv, "POST", "/api/v1/setup", { body: { ...setup, name: "second-admin" } })).status,
    ).toBe(401);

    const login = await call(srv, "POST", "/api/v1/login", {
      body: { name: "first-admin", password: "a long enough password" },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^bulwark_session=bws_/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0] as string;
    const csrf = login.body.csrfToken as string;

    expect((await call(srv, "GET", "/api/v1/findings", { headers: { cookie } })).status).toBe(200);
    const body = { scope: "read", name: "via-session" };
    const noCsrf = await call(srv, "POST", "/api/v1/tokens", { headers: { cookie }, body });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error).toBe("CSRF");
    expect(
      (await call(srv, "POST", "/api/v1/tokens", { headers: { cookie, "x-csrf-token": "csrf_wrong" }, body }))
        .status,
    ).toBe(403);
    expect(
      (await call(srv, "POST", "/api/v1/tokens", { headers: { cookie, "x-csrf-token": csrf }, body })).status,
    ).toBe(201);

    expect(
      (await call(srv, "POST", "/api/v1/logout", { headers: { cookie, "x-csrf-token": csrf } })).status,
    ).toBe(200);
    expect((await call(srv, "GET", "/api/v1/findings", { headers: { cookie } })).status).toBe(401);
  });

  it("limits failed logins: after 5 failures even the right password is refused", async () => {
    await call(srv, "POST", "/api/v1/users", {
      token: srv.tokens.admin,
      body: { name: "limited", role: "developer", password: "the right password" },
    });
    for (let i = 0; i < 5; i++) {
      expect(
        (await call(srv, "POST", "/api/v1/login", { body: { name: "limited", password: `wrong ${i}` } }))
          .status,
      ).toBe(401);
    }
    const res = await call(srv, "POST", "/api/v1/login", {
      body: { name: "limited", password: "the right password" },
    });
    expect(res.status).toBe(429);
  });

  it("records every mutating call in an append-only audit log (who, what, when, from where)", async () => {
    const before = (await srv.store.query<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log"))[0]!.n;
    await call(srv, "POST", "/api/v1/tokens", {
      token: srv.tokens.admin,
      body: { scope: "ingest", name: "audited" },
    });
    await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.read, body: {} }); // refused: still audited
    await call(srv, "POST", "/api/v1/login", { body: { name: "nobody", password: "x" } });
    const rows = await srv.store.query<{
      actor: string;
      action: string;
      source: string;
      outcome: number;
      at: number;
    }>("SELECT actor, action, source, outcome, at FROM audit_log ORDER BY seq DESC LIMIT 3");
    expect(rows.reverse().map((r) => [r.actor, r.action, r.outcome])).toEqual([
      ["token:t-admin", "POST /api/v1/tokens", 201],
      ["token:t-read", "POST /api/v1/scans", 403],
      ["attempt:nobody", "POST /api/v1/login", 401],
    ]);
    expect(rows.every((r) => r.source === "127.0.0.1" && r.at > 0)).toBe(true);
    const after = (await srv.store.query<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log"))[0]!.n;
    expect(after - before).toBe(3);
    await expect(srv.store.exec("UPDATE audit_log SET actor = 'someone else'")).rejects.toThrow(
      /append-only/,
    );
    await expect(srv.store.exec("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
    const listed = await call(srv, "GET", "/api/v1/audit?limit=1000", { token: srv.tokens.admin });
    expect((listed.body.items as unknown[]).length).toBe(after);
  });

  it("sweeps SQL-injection and path-traversal strings through every parameter: no 500, no leak, data intact", async () => {
    const evil = [
      "' OR '1'='1",
      "1; DROP TABLE findings; --",
      "../../../../etc/passwd",
      "..%2f..%2fetc%2fpasswd",
      "%00",
      '" OR 1=1 --',
      "$1",
      "') UNION SELECT secret_hash FROM api_tokens --",
    ];
    await call(srv, "POST", "/api/v1/scans", {
      token: srv.tokens.ingest,
      body: { reportId: "r-sweep-base", report: report("sweep", [vuln("CVE-S", "s", "1")]) },
    });
    const count = async (): Promise<number> =>
      (await srv.store.query<{ n: number }>("SELECT COUNT(*) AS n FROM findings"))[0]!.n;
    const before = await count();
    const hashes = (await srv.store.query<{ secret_hash: string }>("SELECT secret_hash FROM api_tokens")).map(
      (r) => r.secret_hash,
    );
    for (const r of ROUTES) {
      for (const e of evil) {
        const enc = encodeURIComponent(e);
        const url = r.url.replace(/:([A-Za-z]+)/g, enc);
        const q = ["state", "severity", "kind", "asset", "after", "limit"]
          .map((k) => `${k}=${enc}`)
          .join("&");
        for (const path of [url, `${url}?${q}`]) {
          const res = await call(srv, r.method, path, {
            token: srv.tokens.admin,
            ...(r.method === "GET" ? {} : { body: { name: e, scope: e, role: e, token: e, password: e } }),
          });
          expect(res.status, `${r.method} ${path}`).toBeLessThan(500);
          const text = JSON.stringify(res.body);
          expect(text).not.toMatch(/root:x:0/);
          for (const h of hashes) expect(text).not.toContain(h);
        }
      }
    }
    expect(await count()).toBe(before);
  });
});
