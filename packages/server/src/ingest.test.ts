import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { uploadScan } from "./client.js";
import { call, DIGEST, report, startTestServer, vuln, type TestServer } from "./testing/index.js";

let pg: RunningPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(() => pg?.stop());

type Row = Record<string, unknown>;

describe.each(["sqlite", "postgres"] as const)("ingestion on %s", (dialect) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(dialect, pg, { bodyLimit: 256 * 1024 });
  });
  afterAll(() => srv?.dispose());

  const upload = (reportId: string | undefined, findings: ReturnType<typeof vuln>[], digest = DIGEST(1)) => ({
    ...(reportId ? { reportId } : {}),
    report: report("registry.example/app:1", findings),
    inventory: {
      packages: [
        { type: "pypi", name: "a", version: "1", purl: "pkg:pypi/a@1", licenses: [], locations: [] },
      ],
      layers: [],
      image: { digest, repoTags: ["registry.example/app:1"], repoDigests: [] },
    },
  });
  const findings = async (asset = DIGEST(1)): Promise<Row[]> =>
    (
      (
        await call(srv, "GET", `/api/v1/findings?asset=${encodeURIComponent(asset)}&limit=1000`, {
          token: srv.tokens.read,
        })
      ).body.items as Row[]
    ).sort((a, b) => String(a.rule_id).localeCompare(String(b.rule_id)));

  it("keeps history: first seen, fixed when a complete scan no longer lists it, reopened when it returns", async () => {
    const A = vuln("CVE-A", "a", "1");
    const B = vuln("CVE-B", "b", "2");
    const post = (id: string, f: ReturnType<typeof vuln>[]) =>
      call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: upload(id, f) });
    expect((await post("r-hist-0001", [A, B])).body).toMatchObject({ new: 2, duplicate: false });
    expect((await post("r-hist-0002", [B])).body).toMatchObject({ new: 0, fixed: 1, unchanged: 1 });
    let rows = await findings();
    expect(rows.map((r) => [r.rule_id, r.state])).toEqual([
      ["CVE-A", "fixed"],
      ["CVE-B", "open"],
    ]);
    expect((await post("r-hist-0003", [A, B])).body).toMatchObject({ reopened: 1, unchanged: 1 });
    rows = await findings();
    expect(rows.map((r) => [r.rule_id, r.state, r.reopen_count])).toEqual([
      ["CVE-A", "open", 1],
      ["CVE-B", "open", 0],
    ]);
    const detail = await call(srv, "GET", `/api/v1/findings/${rows[0]!.key as string}`, {
      token: srv.tokens.read,
    });
    expect((detail.body.history as Row[]).map((h) => [h.event, h.scan_id])).toEqual([
      ["first_seen", "r-hist-0001"],
      ["fixed", "r-hist-0002"],
      ["reopened", "r-hist-0003"],
    ]);
    const image = await call(srv, "GET", `/api/v1/images/${encodeURIComponent(DIGEST(1))}`, {
      token: srv.tokens.read,
    });
    expect(image.body).toMatchObject({ refs: ["registry.example/app:1"], findings: { open: 2 } });
    expect((image.body.inventory as unknown[]).length).toBe(1);
  });

  it("is idempotent: the same report id, or the same body, is stored once", async () => {
    const body = upload("r-idem-0001", [vuln("CVE-I", "i", "1")], DIGEST(2));
    const first = await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body });
    const again = await Promise.all(
      [1, 2, 3].map(() => call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body })),
    );
    expect(first.status).toBe(201);
    expect(again.map((r) => [r.status, r.body.duplicate])).toEqual([
      [200, true],
      [200, true],
      [200, true],
    ]);
    const noId = upload(undefined, [vuln("CVE-J", "j", "1")], DIGEST(3));
    expect((await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: noId })).status).toBe(
      201,
    );
    expect(
      (await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: noId })).body.duplicate,
    ).toBe(true);
    const scans = await srv.store.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM scans WHERE asset IN ($1, $2)",
      [DIGEST(2), DIGEST(3)],
    );
    const events = await srv.store.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM finding_events e JOIN findings f ON f.key = e.finding_key WHERE f.asset IN ($1, $2)",
      [DIGEST(2), DIGEST(3)],
    );
    expect([scans[0]!.n, events[0]!.n, (await findings(DIGEST(2))).length]).toEqual([2, 2, 1]);
  });

  it("refuses oversized, malformed and invalid reports with a clear body and stores nothing", async () => {
    const count = async (): Promise<number> =>
      (await srv.store.query<{ n: number }>("SELECT COUNT(*) AS n FROM scans"))[0]!.n;
    const before = await count();
    const huge = upload(
      "r-huge-0001",
      Array.from({ length: 3000 }, (_, i) => vuln(`CVE-H-${i}`, `p${i}`, "1")),
      DIGEST(4),
    );
    const tooBig = await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: huge });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ error: "TOO_LARGE" });
    expect(String(tooBig.body.message)).toMatch(/nothing was stored/);
    const malformed = await call(srv, "POST", "/api/v1/scans", {
      token: srv.tokens.ingest,
      raw: '{"report": {"schemaVersion": 1, "findings": [',
    });
    expect([malformed.status, malformed.body.error]).toEqual([400, "INVALID_REQUEST"]);
    const noPackage = upload(
      "r-bad-00001",
      [{ kind: "vulnerability", id: "CVE-X", severity: "HIGH" } as never],
      DIGEST(5),
    );
    const invalid = await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: noPackage });
    expect(invalid.status).toBe(400);
    expect(String(invalid.body.message)).toMatch(/package/);
    const wrongVersion = { report: { ...report("t", []), schemaVersion: 2 } };
    expect(
      (await call(srv, "POST", "/api/v1/scans", { token: srv.tokens.ingest, body: wrongVersion })).status,
    ).toBe(400);
    expect(await count()).toBe(before);
  });

  it("stores alerts and evidence once each", async () => {
    const alert = {
      id: "al-1",
      rule: "shell-in-container",
      severity: "HIGH",
      message: "bash started",
      at: "2026-12-03T08:00:00Z",
      asset: DIGEST(1),
    };
    expect(
      (
        await call(srv, "POST", "/api/v1/alerts", {
          token: srv.tokens.ingest,
          body: { alerts: [alert, alert] },
        })
      ).body,
    ).toEqual({ stored: 1 });
    expect(
      (await call(srv, "POST", "/api/v1/alerts", { token: srv.tokens.ingest, body: { alerts: [alert] } }))
        .body,
    ).toEqual({ stored: 0 });
    const ev = {
      asset: DIGEST(1),
      kind: "packages_in_use",
      from: "2026-12-03T07:00:00Z",
      to: "2026-12-03T08:00:00Z",
      data: { packages: ["pkg:pypi/a@1"] },
    };
    expect(
      (await call(srv, "POST", "/api/v1/evidence", { token: srv.tokens.ingest, body: { evidence: [ev] } }))
        .body,
    ).toEqual({ stored: 1 });
    expect(
      (await call(srv, "POST", "/api/v1/evidence", { token: srv.tokens.ingest, body: { evidence: [ev] } }))
        .body,
    ).toEqual({ stored: 0 });
    const alerts = await call(srv, "GET", "/api/v1/alerts", { token: srv.tokens.read });
    expect((alerts.body.items as Row[]).map((a) => a.rule)).toEqual(["shell-in-container"]);
  });

  it("ranks open findings with reasons, using the stored evidence (in use vs not)", async () => {
    const res = await call(srv, "GET", `/api/v1/priorities?asset=${encodeURIComponent(DIGEST(1))}`, {
      token: srv.tokens.read,
    });
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ id: string; inUse: boolean; why: string; score: number }>;
    const a = items.find((i) => i.id === "CVE-A")!;
    const b = items.find((i) => i.id === "CVE-B")!;
    expect([a.inUse, b.inUse]).toEqual([true, false]);
    expect(a.score).toBeGreaterThan(b.score);
    expect(a.why).toMatch(/loaded by a running process/);
    expect(b.why).toMatch(/never loaded between 2026-12-03T07:00:00.000Z and 2026-12-03T08:00:00.000Z/);
    expect(res.body.funnel).toEqual({ highOrCritical: 2, fixable: 2, inUse: 1, exposed: 0 });
  });

  it("ranks with the privilege, listening ports and north-south flows `runtime watch` uploads", async () => {
    const window = { from: "2026-12-03T07:00:00Z", to: "2026-12-03T08:00:00Z" };
    const evidence = [
      { id: "ev-ports-1", asset: DIGEST(1), kind: "listening_ports", ...window, data: { ports: [8080] } },
      {
        id: "ev-flows-1",
        asset: DIGEST(1),
        kind: "flows",
        ...window,
        data: { northSouth: ["203.0.113.9>8080"] },
      },
      {
        id: "ev-priv-1",
        asset: DIGEST(1),
        kind: "privilege",
        ...window,
        data: {
          root: true,
          privileged: false,
          capabilities: ["CAP_NET_RAW"],
          hostMounts: ["/var/run/docker.sock:/var/run/docker.sock"],
        },
      },
    ];
    const stored = await call(srv, "POST", "/api/v1/evidence", {
      token: srv.tokens.ingest,
      body: { evidence },
    });
    expect(stored.body).toEqual({ stored: 3 });
    const res = await call(srv, "GET", `/api/v1/priorities?asset=${encodeURIComponent(DIGEST(1))}`, {
      token: srv.tokens.read,
    });
    const items = res.body.items as Array<{ id: string; exposed: boolean; why: string }>;
    const a = items.find((i) => i.id === "CVE-A")!;
    expect(a.exposed).toBe(true);
    expect(a.why).toMatch(/exposed: 1 connection\(s\) from outside the cluster, listening on port\(s\) 8080/);
    expect(a.why).toMatch(
      /runs as root, host mounts \/var\/run\/docker\.sock:\/var\/run\/docker\.sock, dangerous capabilities CAP_NET_RAW/,
    );
    expect(res.body.funnel).toEqual({ highOrCritical: 2, fixable: 2, inUse: 1, exposed: 1 });
  });

  it("pages findings with a keyset cursor and no duplicates", async () => {
    const all: string[] = [];
    let after = "";
    for (;;) {
      const page = await call(srv, "GET", `/api/v1/findings?limit=2${after ? `&after=${after}` : ""}`, {
        token: srv.tokens.read,
      });
      all.push(...(page.body.items as Row[]).map((r) => r.key as string));
      if (!page.body.next) break;
      after = page.body.next as string;
    }
    const direct = await srv.store.query<{ key: string }>("SELECT key FROM findings ORDER BY key");
    expect(all).toEqual(direct.map((r) => r.key));
  });
});

describe("a database that goes away and comes back", () => {
  it("answers 503 while PostgreSQL is down, recovers, and the uploading client retries until stored", async () => {
    const srv = await startTestServer("postgres", pg);
    try {
      await pg.pause();
      const down = await call(srv, "GET", "/api/v1/findings", { token: srv.tokens.read });
      expect([down.status, down.body.error]).toEqual([503, "STORE_UNAVAILABLE"]);
      const restart = new Promise((r) => setTimeout(r, 700)).then(() => pg.restart());
      const r = report("retry:target", [vuln("CVE-R", "r", "1")]);
      const result = await uploadScan(r, undefined, {
        server: srv.url,
        token: srv.tokens.ingest,
        attempts: 8,
      });
      await restart;
      expect(result.duplicate).toBe(false);
      expect((await srv.store.query("SELECT id FROM scans WHERE target = 'retry:target'")).length).toBe(1);
    } finally {
      if (
        !(await pg
          .createDatabase()
          .then(() => true)
          .catch(() => false))
      )
        await pg.restart();
      await srv.dispose();
    }
  }, 60_000);
});
