/**
 * End to end: a real image built from Debian and npm packages (test/fixtures), the real
 * vulnerability mirror ../shared/vulndb imported by `updateVulnDb`, and `bulwark scan`.
 * Expected advisories were read from the mirror's records (ids, ranges) and are facts
 * about those packages, not outputs of Bulwark.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report, VulnerabilityFinding } from "../../packages/model/src/finding.js";
import type { Inventory } from "../../packages/model/src/package.js";
import { SHARED_VULNDB } from "../../packages/scanner/src/match/testutil/testdb.js";
import { renderReport } from "../../packages/scanner/src/report/testutil/whole.js";
import { withImageInput } from "../../packages/scanner/src/scan/pipeline.js";
import { scanTarget } from "../../packages/scanner/src/scan/run.js";
import { updateVulnDb } from "../../packages/vulndb/src/update.js";
import { buildImage, type BuiltImage } from "../../packages/testkit/src/fixtures/images.js";
import { recipes } from "../../packages/testkit/src/fixtures/recipes.js";

const haveMirror = existsSync(join(SHARED_VULNDB, "osv"));
const ESBUILD = "/app/node_modules/esbuild-linux-64/bin/esbuild";
const SITE = "/usr/local/lib/python3.11/site-packages/";

let cacheDir: string;
let img: BuiltImage;
let report: Report;
let vulns: VulnerabilityFinding[];
let inventory: Inventory;

function byEcosystem(eco: string): VulnerabilityFinding[] {
  return vulns.filter((f) => f.package.ecosystem === eco);
}

describe.skipIf(!haveMirror)(
  "vulnerability scan of the node-modules image (mirror: ../shared/vulndb)",
  () => {
    afterAll(() => {
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    });
    beforeAll(async () => {
      cacheDir = mkdtempSync(join(tmpdir(), "bulwark-e2e-vuln-"));
      img = await buildImage(recipes.nodeModules);
      await updateVulnDb({ cacheDir, source: SHARED_VULNDB });
      report = await scanTarget("image", img.ociRef, { cacheDir, scanners: ["vuln"] });
      vulns = report.findings.filter((f): f is VulnerabilityFinding => f.kind === "vulnerability");
      inventory = await withImageInput(img.ociRef, [], { cacheDir }, async (i) => i.inventory);
    });

    it("finds Go stdlib advisories for esbuild's go1.17.2 binary", () => {
      const stdlib = byEcosystem("Go").filter((f) => f.package.name === "stdlib");
      expect(stdlib.length).toBeGreaterThan(10);
      for (const f of stdlib) expect(f.package.version).toBe("1.17.2");
      for (const f of stdlib) expect(f.location.path).toBe(ESBUILD);
      // GO-2021-0263 (debug/macho), fixed in 1.16.10 and 1.17.3.
      expect(stdlib.find((f) => f.id === "CVE-2021-41771")).toMatchObject({
        aliases: expect.arrayContaining(["GO-2021-0263"]),
        fixedVersion: "1.17.3",
        kev: false,
        severity: "UNKNOWN", // Go records carry no severity
      });
      // One finding per CVE and package.
      const keys = stdlib.map((f) => f.id);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it("finds the npm advisories of the old packages (NSWG records of the mirror)", () => {
      const npm = byEcosystem("npm");
      const got = npm.map((f) => `${f.package.name}@${f.package.version} ${f.id}`).sort();
      expect(got).toEqual(
        expect.arrayContaining([
          "lodash@4.17.4 CVE-2018-16487", // NSWG-ECO-493, fixed 4.17.11
          "lodash@4.17.4 CVE-2018-3721", // NSWG-ECO-368, fixed 4.17.5
          "marked@0.3.5 NSWG-ECO-101", // last_affected 0.3.5: no fixed version
        ]),
      );
      const lodash = npm.find((f) => f.id === "CVE-2018-3721")!;
      expect(lodash).toMatchObject({
        aliases: ["NSWG-ECO-368"],
        fixedVersion: "4.17.5",
        severity: "LOW", // CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L = 1.9
        package: { purl: "pkg:npm/lodash@4.17.4", ecosystem: "npm" },
        location: { path: "/app/node_modules/lodash/package.json" },
      });
      expect(lodash.location.layer).toMatch(/^sha256:/);
      expect(npm.find((f) => f.id === "NSWG-ECO-101")).toMatchObject({
        fixedVersion: null,
        status: "affected",
      });
      // qs 6.0.0 and moment 2.19.1 are past the fixes of NSWG-ECO-28/29 and -55; lodash 4.17.4 is before NSWG-ECO-516.
      expect(npm.filter((f) => ["qs", "moment"].includes(f.package.name))).toEqual([]);
      expect(npm.filter((f) => f.id === "NSWG-ECO-516")).toEqual([]);
    });

    it("matches Python packages in site-packages against PyPI, not the same packages shipped by dpkg", () => {
      const pypi = byEcosystem("PyPI");
      const got = pypi.map((f) => `${f.package.name}@${f.package.version} ${f.id}`);
      expect(got).toEqual(
        expect.arrayContaining([
          "urllib3@1.26.12 CVE-2023-43804", // PYSEC-2023-192, fixed 1.26.17
          "urllib3@1.26.12 CVE-2023-45803", // PYSEC-2023-212, fixed 1.26.18
          "requests@2.28.1 CVE-2023-32681", // PYSEC-2023-74, fixed 2.31.0
        ]),
      );
      for (const f of pypi) expect(f.location.path.startsWith(SITE)).toBe(true);
      // The dpkg copies are in the inventory as Debian packages only.
      const debs = inventory.packages.filter((p) => p.type === "deb").map((p) => p.name);
      expect(debs).toEqual(expect.arrayContaining(["python3-urllib3", "python3-requests"]));
      const pypiPaths = inventory.packages
        .filter((p) => p.type === "pypi")
        .flatMap((p) => p.locations.map((l) => l.path));
      expect(pypiPaths.some((p) => p.startsWith("/usr/lib/python3/dist-packages/"))).toBe(false);
    });

    it("checks the Debian packages too (the mirror now carries DSA/DLA advisories): no missing-feed warning", () => {
      const missingFeed = (report.warnings ?? []).filter((w) => /has no Debian advisories/.test(w));
      expect(missingFeed).toEqual([]);
    });

    it("writes the JSON report in the documented shape and counts by severity", () => {
      const json = JSON.parse(renderReport(report, "json")) as Report;
      for (const f of json.findings as VulnerabilityFinding[]) {
        expect(Object.keys(f)).toEqual(
          expect.arrayContaining([
            "kind",
            "id",
            "aliases",
            "severity",
            "package",
            "fixedVersion",
            "kev",
            "location",
          ]),
        );
        expect(f.kind).toBe("vulnerability");
      }
      const total = Object.values(json.summary.bySeverity).reduce((a, b) => a + b, 0);
      expect(total).toBe(json.findings.length);
    });

    it("scans the unpacked root filesystem to the same findings", async () => {
      const rootfs = await scanTarget("rootfs", await img.rootfs(), { cacheDir, scanners: ["vuln"] });
      const key = (f: VulnerabilityFinding) => `${f.package.purl} ${f.id} ${f.location.path}`;
      const fromRootfs = (rootfs.findings as VulnerabilityFinding[]).map(key).sort();
      expect(fromRootfs).toEqual(vulns.map(key).sort());
    });

    it("applies --ignore-unfixed, --severity and VEX-free suppression counts", async () => {
      const fixedOnly = await scanTarget("image", img.ociRef, {
        cacheDir,
        scanners: ["vuln"],
        ignoreUnfixed: true,
      });
      expect(fixedOnly.findings.every((f) => f.kind === "vulnerability" && f.fixedVersion !== null)).toBe(
        true,
      );
      expect(fixedOnly.findings.length).toBe(vulns.filter((f) => f.fixedVersion !== null).length);
      expect(fixedOnly.summary.filtered).toEqual({ unfixed: vulns.length - fixedOnly.findings.length });
    });
  },
);
