/**
 * `POST /api/v1/inventories` (what `bulwark sbom --server` sends) matched by the server
 * against real PyPA advisories, and `loaded_files` evidence joined with that inventory to
 * rank and to write OpenVEX — on SQLite and on a real PostgreSQL.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import {
  buildPypiDb,
  call,
  DIGEST,
  PYPI_MIRROR_ZIP,
  startTestServer,
  type TestServer,
} from "./testing/index.js";

const PRESENT = existsSync(PYPI_MIRROR_ZIP);
const SITE = "/usr/lib/python3/dist-packages";
let pg: RunningPostgres;
let root: string;
let cacheDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "bulwark-inventory-"));
  cacheDir = join(root, "cache");
  if (!PRESENT) return;
  pg = await startPostgres();
  // cryptography: PYSEC-2023-11 and PYSEC-2023-254 affect 38.0.4; requests: PYSEC-2023-74 affects 2.28.1.
  await buildPypiDb(root, cacheDir, ["PYSEC-2023-11", "PYSEC-2023-254", "PYSEC-2023-74"]);
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

const pkg = (name: string, version: string) => ({
  type: "pypi",
  name,
  version,
  purl: `pkg:pypi/${name}@${version}`,
  licenses: [],
  locations: [{ path: `${SITE}/${name}-${version}.egg-info/PKG-INFO` }],
});
const body = {
  reportId: "i-inventory-0001",
  target: "oci:/images:app",
  inventory: {
    packages: [pkg("cryptography", "38.0.4"), pkg("requests", "2.28.1")],
    layers: [],
    image: { digest: DIGEST(5), repoTags: ["app"], repoDigests: [] },
  },
};

interface Item {
  id: string;
  package: { name: string };
  inUse: boolean | null;
}

if (!PRESENT) console.warn(`inventory.test skipped: needs ${PYPI_MIRROR_ZIP}`);

describe.skipIf(!PRESENT).each(["sqlite", "postgres"] as const)("inventories on %s", (dialect) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(dialect, pg, { vulnDbDir: cacheDir, rematchIntervalMs: 3_600_000 });
  });
  afterAll(() => srv?.dispose());

  it("matches an uploaded inventory at once, and a re-sent one changes nothing", async () => {
    const first = await call(srv, "POST", "/api/v1/inventories", { token: srv.tokens.ingest, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      asset: DIGEST(5),
      duplicate: false,
      packages: 2,
      matched: { new: 3 },
    });
    const again = await call(srv, "POST", "/api/v1/inventories", { token: srv.tokens.ingest, body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, matched: { new: 0, fixed: 0 } });
    const open = await call(
      srv,
      "GET",
      `/api/v1/findings?state=open&asset=${encodeURIComponent(DIGEST(5))}`,
      {
        token: srv.tokens.read,
      },
    );
    expect((open.body.items as unknown[]).length).toBe(3);
  });

  it("joins loaded files with the inventory: the loaded package is in use, VEX names only the other", async () => {
    const evidence = {
      evidence: [
        {
          id: "ev-inventory-test-1",
          asset: DIGEST(5),
          kind: "loaded_files",
          from: "2026-12-04T10:00:00.000Z",
          to: "2026-12-04T11:00:00.000Z",
          data: {
            source: "runtime watch",
            files: [`${SITE}/cryptography/hazmat/bindings/_rust.abi3.so`, "/usr/bin/python3.11"],
          },
        },
      ],
    };
    const sent = await call(srv, "POST", "/api/v1/evidence", { token: srv.tokens.ingest, body: evidence });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const r = await call(srv, "GET", `/api/v1/priorities?asset=${encodeURIComponent(DIGEST(5))}`, {
      token: srv.tokens.read,
    });
    const items = r.body.items as Item[];
    expect(items.map((i) => [i.package.name, i.inUse])).toEqual([
      ["cryptography", true],
      ["cryptography", true],
      ["requests", false],
    ]);
    const vex = await call(srv, "GET", `/api/v1/vex?asset=${encodeURIComponent(DIGEST(5))}`, {
      token: srv.tokens.read,
    });
    const names = (vex.body.statements as Array<{ vulnerability: { name: string } }>).map(
      (s) => s.vulnerability.name,
    );
    expect(names).toEqual(items.filter((i) => i.package.name === "requests").map((i) => i.id));
    // An ingest-only token (an agent's) cannot read the VEX back.
    const denied = await call(srv, "GET", `/api/v1/vex?asset=${encodeURIComponent(DIGEST(5))}`, {
      token: srv.tokens.ingest,
    });
    expect(denied.status).toBe(403);
  });

  it("refuses an inventory that is not one, with a clear body and nothing stored", async () => {
    const bad = await call(srv, "POST", "/api/v1/inventories", {
      token: srv.tokens.ingest,
      body: { target: "x", inventory: { packages: "nope" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBeTruthy();
  });
});
