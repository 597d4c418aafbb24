/**
 * Import of the real mirror (../shared/vulndb): counts checked against an independent
 * listing (Info-ZIP unzip), invalid records checked against independent parsers
 * (node-semver for SEMVER, Debian's python3-packaging for PEP 440), lookups checked
 * against records picked from the data at test time.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openVulnDb, updateVulnDb, type ImportReport, type OsvRecord, type VulnDb } from "./index.js";
import {
  MIRROR,
  MIRROR_PRESENT,
  SKIP_REASON,
  serveDir,
  tempDir,
  unzipTo,
  zipJsonNames,
} from "./testutil/mirror.js";

const ECOSYSTEMS = MIRROR_PRESENT ? readdirSync(join(MIRROR, "osv")).sort() : [];

function readExtracted(dir: string): Map<string, { raw: string; rec: OsvRecord }> {
  const out = new Map<string, { raw: string; rec: OsvRecord }>();
  for (const name of readdirSync(dir)) {
    const raw = readFileSync(join(dir, name), "utf8");
    out.set(name, { raw, rec: JSON.parse(raw) as OsvRecord });
  }
  return out;
}

/** Files whose SEMVER events node-semver rejects (strict, no "v" prefix; "0" is allowed). */
function semverRejects(files: Map<string, { rec: OsvRecord }>): string[] {
  const bad: string[] = [];
  for (const [name, { rec }] of files) {
    const events = (rec.affected ?? []).flatMap((a) =>
      (a.ranges ?? []).filter((r) => r.type === "SEMVER").flatMap((r) => r.events),
    );
    const values = events.flatMap((e) => Object.values(e) as string[]);
    if (values.some((v) => v !== "0" && (v.startsWith("v") || semver.parse(v) === null))) bad.push(name);
  }
  return bad.sort();
}

/** Files with an ECOSYSTEM event that Python's packaging.version rejects. */
function pep440Rejects(dir: string): string[] {
  const script = `
import json, os, sys
from packaging.version import Version, InvalidVersion
bad = []
for name in sorted(os.listdir(sys.argv[1])):
    rec = json.load(open(os.path.join(sys.argv[1], name)))
    for a in rec.get("affected", []):
        for r in a.get("ranges", []):
            if r["type"] != "ECOSYSTEM": continue
            for e in r["events"]:
                for v in e.values():
                    if v == "0": continue
                    try: Version(v)
                    except InvalidVersion: bad.append(name)
print("\\n".join(sorted(set(bad))))
`;
  return execFileSync("/usr/bin/python3", ["-c", script, dir], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

describe.skipIf(!MIRROR_PRESENT)(
  `import of the real mirror${MIRROR_PRESENT ? "" : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    let work: string;
    let report: ImportReport;
    let db: VulnDb;
    const extracted = new Map<string, Map<string, { raw: string; rec: OsvRecord }>>();

    beforeAll(async () => {
      work = tempDir("import");
      report = await updateVulnDb({ cacheDir: join(work, "cache"), source: MIRROR });
      db = openVulnDb(join(work, "cache"));
      for (const eco of ECOSYSTEMS) {
        extracted.set(eco, readExtracted(unzipTo(join(MIRROR, "osv", eco, "all.zip"), join(work, "x", eco))));
      }
    });
    afterAll(() => {
      db?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it("stores every JSON entry of each archive except the invalid ones", () => {
      expect(ECOSYSTEMS.length).toBeGreaterThan(0);
      for (const eco of ECOSYSTEMS) {
        const listed = zipJsonNames(join(MIRROR, "osv", eco, "all.zip")).length;
        const invalid = report.invalid.filter((i) => i.file.startsWith(`${eco}/`)).length;
        expect(report.ecosystems[eco], eco).toBe(listed - invalid);
      }
      expect(report.invalidCount).toBe(report.invalid.length);
      expect(report.records).toBe(Object.values(report.ecosystems).reduce((a, b) => a + b, 0));
      expect(db.status().ecosystems).toEqual(report.ecosystems);
    });

    it("rejects exactly the records with versions that independent parsers reject", () => {
      for (const eco of ECOSYSTEMS) {
        const ours = report.invalid
          .filter((i) => i.file.startsWith(`${eco}/`))
          .map((i) => i.file.slice(eco.length + 1));
        const files = extracted.get(eco)!;
        const theirs = eco === "PyPI" ? pep440Rejects(join(work, "x", eco)) : semverRejects(files);
        expect(ours.sort(), eco).toEqual(theirs);
        for (const item of report.invalid.filter((i) => i.file.startsWith(`${eco}/`))) {
          const quoted = /="([^"]*)"/.exec(item.reason)?.[1];
          expect(quoted, item.reason).toBeDefined();
          expect(files.get(item.file.slice(eco.length + 1))!.raw).toContain(`"${quoted}"`);
        }
      }
    });

    it("finds records picked from the data by their packages (PyPI names normalised)", () => {
      let checked = 0;
      for (const eco of ECOSYSTEMS) {
        const invalid = new Set(report.invalid.map((i) => i.file));
        const usable = [...extracted.get(eco)!.entries()]
          .filter(
            ([name, { rec }]) => !invalid.has(`${eco}/${name}`) && !rec.withdrawn && rec.affected?.length,
          )
          .map(([, v]) => v.rec);
        const step = Math.max(1, Math.floor(usable.length / 7));
        for (let i = 0; i < usable.length; i += step) {
          const rec = usable[i]!;
          for (const a of rec.affected ?? []) {
            if (!a.package) continue;
            expect(
              db.advisories(a.package.ecosystem, a.package.name).map((r) => r.id),
              `${rec.id} ${a.package.name}`,
            ).toContain(rec.id);
            if (eco === "PyPI") {
              const variant = a.package.name.toUpperCase().replace(/-/g, "_");
              expect(db.advisories("PyPI", variant).map((r) => r.id)).toContain(rec.id);
            }
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(db.advisories("npm", "no-such-package-bulwark-test")).toEqual([]);
    });

    it("never returns withdrawn records from package lookups", () => {
      const withdrawn = ECOSYSTEMS.flatMap((eco) =>
        [...extracted.get(eco)!.values()].map((v) => v.rec).filter((r) => r.withdrawn),
      );
      expect(withdrawn.length).toBeGreaterThan(0);
      for (const rec of withdrawn) {
        for (const a of rec.affected ?? []) {
          if (a.package)
            expect(db.advisories(a.package.ecosystem, a.package.name).map((r) => r.id)).not.toContain(rec.id);
        }
        expect(db.record(rec.id)?.withdrawn).toBe(rec.withdrawn);
      }
    });

    it("indexes aliases", () => {
      const withAlias = [...extracted.get(ECOSYSTEMS[0]!)!.values()]
        .map((v) => v.rec)
        .find((r) => r.aliases?.length);
      expect(withAlias).toBeDefined();
      expect(db.idsForAlias(withAlias!.aliases![0]!)).toContain(withAlias!.id);
    });

    it("imports the KEV catalogue", () => {
      const doc = JSON.parse(
        readFileSync(join(MIRROR, "kev", "known_exploited_vulnerabilities.json"), "utf8"),
      ) as {
        vulnerabilities: Array<{ cveID: string; dateAdded: string; knownRansomwareCampaignUse: string }>;
      };
      expect(report.kev).toBe(new Set(doc.vulnerabilities.map((v) => v.cveID)).size);
      const last = doc.vulnerabilities.at(-1)!;
      expect(db.kev(last.cveID)).toEqual({
        dateAdded: last.dateAdded,
        ransomware: last.knownRansomwareCampaignUse,
      });
      expect(db.kev("CVE-1900-0001")).toBeUndefined();
      expect(db.status().kevCount).toBe(report.kev);
    });

    it("imports the same data through an HTTP mirror of the same layout", async () => {
      const { url, server } = await serveDir(MIRROR);
      try {
        const viaHttp = await updateVulnDb({ cacheDir: join(work, "http-cache"), source: url });
        expect(viaHttp.ecosystems).toEqual(report.ecosystems);
        expect(viaHttp.kev).toBe(report.kev);
        const h = openVulnDb(join(work, "http-cache"));
        expect(h.status().sources.map((s) => s.url)).toContain(`${url}/osv/npm/all.zip`);
        h.close();
      } finally {
        server.close();
      }
    });

    it("imports EPSS scores from a CSV", async () => {
      // Hand-written in FIRST's published CSV shape: no real EPSS producer runs here.
      const cve = [...extracted.get(ECOSYSTEMS[0]!)!.values()]
        .flatMap((v) => v.rec.aliases ?? [])
        .find((a) => a.startsWith("CVE-"))!;
      const csv = join(work, "epss.csv");
      writeFileSync(
        csv,
        `#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\n${cve},0.41234,0.97\nCVE-bad,x,y\n`,
      );
      const r = await updateVulnDb({
        cacheDir: join(work, "epss-cache"),
        source: MIRROR,
        ecosystems: [ECOSYSTEMS[0]!],
        epssCsv: csv,
      });
      expect(r.epss).toBe(1);
      expect(r.warnings.join(" ")).toMatch(/1 EPSS rows/);
      const h = openVulnDb(join(work, "epss-cache"));
      expect(h.epss(cve)).toBeCloseTo(0.41234, 6);
      expect(h.epss("CVE-1900-0001")).toBeUndefined();
      expect(h.status().ecosystems).toEqual({ [ECOSYSTEMS[0]!]: report.ecosystems[ECOSYSTEMS[0]!] });
      h.close();
    });
  },
);
