/**
 * Dynamic PostgreSQL credentials against a real PostgreSQL 15: the user exists during the
 * lease and can log in; it is gone after revoke, and after expiry (the sweeper, driven here
 * with a clock past the expiry so the test never waits on wall time).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../../store/src/testing/index.js";
import { bootstrap } from "../testing/bootstrap.js";
import { rawRequest } from "../testing/raw.js";
import { startInProcess, type InProcessVault } from "../testing/server.js";

async function canLogin(pgUrl: string, user: string, password: string): Promise<boolean> {
  const u = new URL(pgUrl);
  const client = new pg.Client({
    host: u.hostname,
    port: Number(u.port),
    database: u.pathname.slice(1),
    user,
    password,
  });
  try {
    await client.connect();
    const r = await client.query<{ who: string }>("SELECT current_user AS who");
    return r.rows[0]?.who === user;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function roleExists(pgUrl: string, user: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [user])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("dynamic PostgreSQL credentials", () => {
  let pgServer: RunningPostgres;
  let target: string;
  let v: InProcessVault;
  let root: string;
  const req = (method: string, path: string, body?: unknown): ReturnType<typeof rawRequest> =>
    rawRequest(v.url, method, path, {
      token: root,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const issue = async (): Promise<{ lease: string; user: string; password: string }> => {
    const res = await req("GET", "/v1/database/creds/readonly");
    expect(res.status).toBe(200);
    const data = res.json?.data as { username: string; password: string };
    return { lease: res.json?.["lease_id"] as string, user: data.username, password: data.password };
  };

  beforeAll(async () => {
    pgServer = await startPostgres();
    target = await pgServer.createDatabase();
    v = await startInProcess();
    ({ root } = await bootstrap(v.url));
    const u = new URL(target);
    expect((await req("POST", "/v1/sys/mounts/database", { type: "database" })).status).toBe(204);
    const cfg = await req("POST", "/v1/database/config/app", {
      plugin_name: "postgresql-database-plugin",
      connection_url: `postgresql://{{username}}:{{password}}@${u.host}${u.pathname}`,
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      allowed_roles: ["readonly"],
    });
    expect(cfg.status).toBe(204);
    const role = await req("POST", "/v1/database/roles/readonly", {
      db_name: "app",
      creation_statements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT CONNECT ON DATABASE ${u.pathname.slice(1)} TO "{{name}}";`,
      ],
      default_ttl: "1h",
      max_ttl: "24h",
    });
    expect(role.status).toBe(204);
  }, 120_000);
  afterAll(async () => {
    await v?.stop();
    await pgServer?.stop();
  });

  it("the user exists and logs in during the lease, and is gone after revoke", async () => {
    const c = await issue();
    expect(c.lease).toMatch(/^database\/creds\/readonly\//);
    expect(await roleExists(target, c.user)).toBe(true);
    expect(await canLogin(target, c.user, c.password)).toBe(true);
    expect(await canLogin(target, c.user, "wrong-password")).toBe(false);
    const renewed = await req("PUT", "/v1/sys/leases/renew", { lease_id: c.lease, increment: "2h" });
    expect(renewed.json?.["lease_duration"]).toBeGreaterThan(3600);
    expect((await req("PUT", "/v1/sys/leases/revoke", { lease_id: c.lease })).status).toBe(204);
    expect(await roleExists(target, c.user)).toBe(false);
    expect(await canLogin(target, c.user, c.password)).toBe(false);
    expect((await req("PUT", "/v1/sys/leases/lookup", { lease_id: c.lease })).status).toBe(400);
  });

  it("an expired lease's user is dropped by the sweeper", async () => {
    const c = await issue();
    const other = await issue();
    expect(await canLogin(target, c.user, c.password)).toBe(true);
    // nothing has expired yet
    expect(await v.vault.core.db.sweep()).toBe(0);
    // a clock two hours ahead: both leases (1 h) have expired
    expect(await v.vault.core.db.sweep(Date.now() + 2 * 3600_000)).toBe(2);
    expect(await roleExists(target, c.user)).toBe(false);
    expect(await roleExists(target, other.user)).toBe(false);
  });

  it("the admin password is not stored in plaintext", async () => {
    const pw = decodeURIComponent(new URL(target).password);
    const rows = await v.vault.store.query("SELECT * FROM vault_db_configs");
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows)).not.toContain(pw);
  });

  it("bad input: unknown role, missing lease, non-postgres URL", async () => {
    expect(await req("GET", "/v1/database/creds/nope")).toMatchObject({
      status: 400,
      json: { errors: ["unknown role: nope"] },
    });
    expect(await req("PUT", "/v1/sys/leases/revoke", {})).toMatchObject({
      status: 400,
      json: { errors: ["missing lease_id"] },
    });
    expect(
      (await req("POST", "/v1/database/config/x", { connection_url: "mysql://a" })).json?.errors?.[0],
    ).toMatch(/postgresql:\/\//);
  });
});
