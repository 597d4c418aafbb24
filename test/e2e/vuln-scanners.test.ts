/**
 * One `scan image` runs every selected scanner over one walk of a real test image: the
 * `deletes` recipe plants AWS credentials in one layer and deletes them in a later one.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_VULNDB } from "../../packages/scanner/src/match/testutil/testdb.js";
import { scanTarget } from "../../packages/scanner/src/scan/run.js";
import { updateVulnDb } from "../../packages/vulndb/src/update.js";
import { buildImage, type BuiltImage } from "../../packages/testkit/src/fixtures/images.js";
import { recipes } from "../../packages/testkit/src/fixtures/recipes.js";

const haveMirror = existsSync(join(SHARED_VULNDB, "osv"));

let cacheDir: string;
let img: BuiltImage;

describe.skipIf(!haveMirror)("scan image with several scanners", () => {
  afterAll(() => {
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), "bulwark-e2e-scanners-"));
    img = await buildImage(recipes.deletes);
    await updateVulnDb({ cacheDir, source: SHARED_VULNDB, ecosystems: ["npm"] });
  });

  it("runs vuln and secret by default and reports the deleted-but-shipped credentials", async () => {
    const report = await scanTarget("image", img.ociRef, { cacheDir, scanners: [] });
    expect(report.summary.scanners).toEqual(["vuln", "secret"]);
    const secrets = report.findings.filter((f) => f.kind === "secret");
    expect(secrets.map((f) => f.file)).toContain("/root/.aws/credentials");
    for (const s of secrets) if (s.kind === "secret") expect(s.removedIn).toMatch(/^sha256:/);
    expect(report.findings.some((f) => f.kind === "misconfiguration")).toBe(false);
  });

  it("adds misconfiguration findings when asked, in the same report", async () => {
    const report = await scanTarget("image", img.ociRef, {
      cacheDir,
      scanners: ["vuln", "misconfig", "secret"],
    });
    const kinds = new Set(report.findings.map((f) => f.kind));
    expect(kinds).toEqual(new Set(["misconfiguration", "secret"]));
    expect(report.summary.total).toBe(report.findings.length);
  });
});
