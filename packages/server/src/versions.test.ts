/**
 * What a server keeps in memory under the store's data versions (repo/versions.ts) is never
 * older than the store: the findings list's pages after an ingest, after a write that bypasses
 * the API (as a re-match or another process does), and a token's principal after it is
 * revoked — on PostgreSQL also when another server instance made the change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import type { Store } from "@bulwark/store";
import { createToken } from "./repo/identity.js";
import { readVersions, VersionReader } from "./repo/versions.js";
import { startServer, type RunningServer } from "./serve.js";
import { call, DIGEST, report, startTestServer, vuln, type TestServer } from "./testing/index.js";

let pg: RunningPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(() => pg?.stop());

type Row = Record<string, unknown>;

const upload = (reportId: string, ids: string[], digest: string) => ({
  reportId,
  report: report(
    "registry.example/pages:1",
    ids.map((id) => vuln(id, `p-${id.toLowerCase()}`, "1")),
  ),
  inventory: {
    packages: [],
    layers: [],
    image: { digest, repoTags: ["registry.example/pages:1"], repoDigests: [] },
  },
});

const listed = async (srv: { url: string }, token: string, query: string): Promise<string[]> => {
  const res = await call(srv, "GET", `/api/v1/findings?${query}`, { token });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return (res.body.items as Row[]).map((r) => `${String(r.rule_id)}:${String(r.state)}`).sort();
};

describe.each(["sqlite", "postgres"] as const)("findings pages on %s", (dialect) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(dialect, pg);
  });
  afterAll(() => srv?.dispose());

  it("shows every ingest and every direct write at once, and repeats identical pages", async () => {
    const asset = DIGEST(0x51);
    const q = `asset=${encodeURIComponent(asset)}&limit=50`;
    const post = (id: string, ids: string[]) =>
      call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: upload(id, ids, asset) });
    expect(await listed(srv, srv.tokens.read, q)).toEqual([]);
    expect((await post("r-pages-0001", ["CVE-P1"])).status).toBe(201);
    expect(await listed(srv, srv.tokens.read, q)).toEqual(["CVE-P1:open"]);
    // The same page twice: the second answer comes from the cache and must be the same.
    const first = await call(srv, "GET", `/api/v1/findings?${q}`, { token: srv.tokens.read });
    const second = await call(srv, "GET", `/api/v1/findings?${q}`, { token: srv.tokens.read });
    expect(second.body).toEqual(first.body);
    expect((await post("r-pages-0002", ["CVE-P1", "CVE-P2"])).status).toBe(201);
    expect(await listed(srv, srv.tokens.read, q)).toEqual(["CVE-P1:open", "CVE-P2:open"]);
    // A write the API did not make (a re-match, another process on the same store).
    await srv.store.exec("UPDATE findings SET state = 'fixed' WHERE rule_id = $1 AND asset = $2", [
      "CVE-P2",
      asset,
    ]);
    expect(await listed(srv, srv.tokens.read, q)).toEqual(["CVE-P1:open", "CVE-P2:fixed"]);
    expect(await listed(srv, srv.tokens.read, `${q}&state=open`)).toEqual(["CVE-P1:open"]);
    await srv.store.exec(
      "DELETE FROM finding_events WHERE finding_key IN (SELECT key FROM findings WHERE asset = $1)",
      [asset],
    );
    await srv.store.exec("DELETE FROM findings WHERE asset = $1", [asset]);
    expect(await listed(srv, srv.tokens.read, q)).toEqual([]);
  });

  it("still checks credentials on every request; a revoked token stops at once", async () => {
    const q = "limit=5";
    const get = (token?: string) => call(srv, "GET", `/api/v1/findings?${q}`, token ? { token } : {});
    expect((await get(srv.tokens.read)).status).toBe(200);
    expect((await get()).status).toBe(401);
    expect((await get(srv.tokens.ingest)).status).toBe(403);
    const t = await createToken(srv.store, { scope: "read", name: "t-revoke" });
    expect((await get(t.secret)).status).toBe(200);
    expect((await get(t.secret)).status).toBe(200);
    const revoked = await call(srv, "DELETE", `/api/v1/tokens/${t.id}`, { token: srv.tokens.admin });
    expect(revoked.status).toBe(200);
    expect((await get(t.secret)).status).toBe(401);
  });
});

describe.each(["sqlite", "postgres"] as const)("shared version reads on %s", (dialect) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(dialect, pg);
  });
  afterAll(() => srv?.dispose());

  /** The real store, but each versions read is counted and held after it ran until `release`. */
  const heldStore = (store: Store) => {
    let release = () => undefined as void;
    let held = new Promise<void>((r) => (release = r));
    const counted = {
      reads: 0,
      release: () => {
        release();
        held = new Promise<void>((r) => (release = r));
      },
      store: {
        dialect: store.dialect,
        query: async (...args: Parameters<Store["query"]>) => {
          const rows = await store.query(...args);
          counted.reads++;
          await held;
          return rows;
        },
      } as unknown as Store,
    };
    return counted;
  };

  it("never hands a request a read that began before it arrived, and shares the next one", async () => {
    const held = heldStore(srv.store);
    const reader = new VersionReader(held.store);
    // Bounded, so that a reader that never starts the second read fails below instead of hanging.
    const readsDone = async (n: number) => {
      for (let i = 0; i < 2000 && held.reads < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    const early = reader.read();
    // Once the first read has run (its snapshot is taken), commit a write it cannot have seen.
    await readsDone(1);
    const before = await readVersions(srv.store);
    await createToken(srv.store, { scope: "read", name: `t-held-${dialect}` });
    const after = await readVersions(srv.store);
    expect(after.tokens).not.toBe(before.tokens);
    const late = Array.from({ length: 20 }, () => reader.read());
    held.release();
    expect((await early).tokens).toBe(before.tokens);
    await readsDone(2);
    held.release();
    for (const v of await Promise.all(late)) expect(v).toEqual(after);
    // Twenty-one requests, two reads.
    expect(held.reads).toBe(2);
  }, 30_000);
});

describe("findings pages across two server instances on one PostgreSQL", () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const databaseUrl = await pg.createDatabase();
    a = await startServer({ listen: "127.0.0.1:0", log: () => undefined, databaseUrl });
    b = await startServer({ listen: "127.0.0.1:0", log: () => undefined, databaseUrl });
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it("an instance's cached page gives way to what the other one ingested", async () => {
    const ingest = (await createToken(a.store, { scope: "ingest", name: "t-ingest" })).secret;
    const read = (await createToken(a.store, { scope: "read", name: "t-read" })).secret;
    const asset = DIGEST(0x52);
    const q = `asset=${encodeURIComponent(asset)}&limit=50`;
    const post = (srv: RunningServer, id: string, ids: string[]) =>
      call(srv, "POST", "/api/v1/scans", { token: ingest, body: upload(id, ids, asset) });
    expect((await post(a, "r-two-0001", ["CVE-T1"])).status).toBe(201);
    expect(await listed(b, read, q)).toEqual(["CVE-T1:open"]);
    expect(await listed(a, read, q)).toEqual(["CVE-T1:open"]);
    expect((await post(a, "r-two-0002", ["CVE-T1", "CVE-T2"])).status).toBe(201);
    expect(await listed(b, read, q)).toEqual(["CVE-T1:open", "CVE-T2:open"]);
    expect((await post(b, "r-two-0003", ["CVE-T2"])).status).toBe(201);
    expect(await listed(a, read, q)).toEqual(["CVE-T1:fixed", "CVE-T2:open"]);
    expect(await listed(b, read, q)).toEqual(["CVE-T1:fixed", "CVE-T2:open"]);
  });

  it("a token revoked through one instance is refused by the other at once", async () => {
    const admin = (await createToken(a.store, { scope: "admin", name: "t-admin" })).secret;
    const t = await createToken(a.store, { scope: "read", name: "t-two-revoke" });
    expect((await call(b, "GET", "/api/v1/findings?limit=1", { token: t.secret })).status).toBe(200);
    expect((await call(a, "DELETE", `/api/v1/tokens/${t.id}`, { token: admin })).status).toBe(200);
    expect((await call(b, "GET", "/api/v1/findings?limit=1", { token: t.secret })).status).toBe(401);
  });
});
