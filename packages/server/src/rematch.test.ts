import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { matchInventory, openVulnDb, updateVulnDb } from "./deps.js";
import { PackageMatchCache } from "./match-cache.js";
import { call, DIGEST, report, startTestServer, type TestServer } from "./testing/index.js";

// Real PyPA advisories from the shared mirror: jinja2 (PYSEC-2019-217, fixed 2.10.1) and requests (PYSEC-2014-13, fixed 2.3.0).
const MIRROR_ZIP = "/work/shared/vulndb/osv/PyPI/all.zip";
const PRESENT = existsSync(MIRROR_ZIP);

let pg: RunningPostgres;
let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "bulwark-rematch-"));
  if (PRESENT) pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A source directory like the mirror holding only the given real records, imported into `cacheDir`. */
async function buildDb(cacheDir: string, ids: string[]): Promise<void> {
  const src = mkdtempSync(join(root, "src-"));
  const out = join(src, "osv", "PyPI");
  mkdirSync(out, { recursive: true });
  const unpacked = join(src, "unpacked");
  execFileSync("unzip", ["-q", "-o", MIRROR_ZIP, ...ids.map((i) => `${i}.json`), "-d", unpacked]);
  execFileSync("zip", ["-q", "-j", join(out, "all.zip"), ...ids.map((i) => join(unpacked, `${i}.json`))]);
  await updateVulnDb({ cacheDir, source: src });
}

const inventory = {
  packages: [
    {
      type: "pypi",
      name: "jinja2",
      version: "2.10",
      purl: "pkg:pypi/jinja2@2.10",
      licenses: [],
      locations: [{ path: "/usr/lib/python3/dist-packages/Jinja2-2.10.dist-info/METADATA" }],
    },
    {
      type: "pypi",
      name: "requests",
      version: "2.0.0",
      purl: "pkg:pypi/requests@2.0.0",
      licenses: [],
      locations: [{ path: "/usr/lib/python3/dist-packages/requests-2.0.0.dist-info/METADATA" }],
    },
  ],
  layers: [],
  image: { digest: DIGEST(77), repoTags: ["app:1"], repoDigests: [] },
};

describe.skipIf(!PRESENT).each(["sqlite", "postgres"] as const)(
  "re-match on %s (real advisories from %s)",
  (dialect) => {
    let srv: TestServer;
    let cacheDir: string;
    beforeAll(async () => {
      cacheDir = mkdtempSync(join(root, "cache-"));
      srv = await startTestServer(dialect, pg, { vulnDbDir: cacheDir, rematchIntervalMs: 3_600_000 });
    });
    afterAll(() => srv?.dispose());

    it("new advisories produce findings on stored inventories without a re-scan", async () => {
      const up = await call(srv, "POST", "/api/v1/scans", {
        token: srv.tokens.ingest,
        body: { reportId: "r-inv-000001", report: report("app:1", []), inventory },
      });
      expect(up.status).toBe(201);
      const open = async (): Promise<string[]> =>
        (
          (
            await call(srv, "GET", `/api/v1/findings?state=open&asset=${encodeURIComponent(DIGEST(77))}`, {
              token: srv.tokens.read,
            })
          ).body.items as Array<{ rule_id: string; package_name: string }>
        )
          .map((f) => `${f.package_name}:${f.rule_id}`)
          .sort();
      expect(await open()).toEqual([]);

      await buildDb(cacheDir, ["PYSEC-2019-217"]);
      const first = await call(srv, "POST", "/api/v1/admin/rematch", { token: srv.tokens.admin });
      expect(first.body).toMatchObject({ inventories: 1, new: 1 });
      expect(await open()).toEqual(["jinja2:CVE-2019-10906"]);

      // Same database again: nothing to do.
      expect((await call(srv, "POST", "/api/v1/admin/rematch", { token: srv.tokens.admin })).body).toEqual({
        unchanged: true,
      });

      await new Promise((r) => setTimeout(r, 5)); // a distinct build time
      await buildDb(cacheDir, ["PYSEC-2019-217", "PYSEC-2014-13"]);
      const second = await call(srv, "POST", "/api/v1/admin/rematch", { token: srv.tokens.admin });
      expect(second.body).toMatchObject({ inventories: 1, new: 1, fixed: 0 });
      expect(await open()).toEqual(["jinja2:CVE-2019-10906", "requests:CVE-2014-1829"]);
    }, 60_000);
  },
);

describe.skipIf(!PRESENT)("PackageMatchCache", () => {
  it("gives the same findings as matching each inventory directly, with each inventory's own locations", async () => {
    const cacheDir = mkdtempSync(join(root, "cache-"));
    await buildDb(cacheDir, ["PYSEC-2019-217", "PYSEC-2014-13", "PYSEC-2014-14", "PYSEC-2018-49"]);
    const db = openVulnDb(cacheDir);
    try {
      const pkg = (name: string, version: string, path: string) => ({
        type: "pypi" as const,
        name,
        version,
        purl: `pkg:pypi/${name}@${version}`,
        licenses: [],
        locations: [{ path }],
      });
      const inventories = [
        [
          pkg("jinja2", "2.10", "/a/j/METADATA"),
          pkg("requests", "2.0.0", "/a/r/METADATA"),
          pkg("pyyaml", "3.12", "/a/y/METADATA"),
        ],
        [
          pkg("requests", "2.0.0", "/b/r/METADATA"),
          pkg("jinja2", "2.11.0", "/b/j/METADATA"),
          pkg("pyyaml", "3.12", "/b/y/METADATA"),
        ],
        [pkg("jinja2", "2.10", "/c/j/METADATA")],
      ];
      const cache = new PackageMatchCache(db);
      const sort = (fs: Array<{ id: string; location: { path: string } }>) =>
        fs.map((f) => `${f.id}@${f.location.path}`).sort();
      let total = 0;
      for (const packages of inventories) {
        const cached = cache.match({ packages });
        const direct = matchInventory({ packages }, db).findings;
        expect(sort(cached)).toEqual(sort(direct));
        expect(
          cached.map((f) => ({ ...f, location: undefined })).sort((a, b) => a.id.localeCompare(b.id)),
        ).toEqual(
          direct.map((f) => ({ ...f, location: undefined })).sort((a, b) => a.id.localeCompare(b.id)),
        );
        total += direct.length;
      }
      expect(total).toBeGreaterThan(4);
    } finally {
      db.close();
    }
  });
});
