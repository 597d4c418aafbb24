/**
 * `bulwark scan image` through the CLI on a real test image (test/fixtures) and the real
 * mirror ../shared/vulndb: formats, --fail-on, --vex, the ignore file, exit codes.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../packages/cli/src/testutil/cli.js";
import type { Report, VulnerabilityFinding } from "../../packages/model/src/finding.js";
import { SHARED_VULNDB } from "../../packages/scanner/src/match/testutil/testdb.js";
import { updateVulnDb } from "../../packages/vulndb/src/update.js";
import { buildImage, type BuiltImage } from "../../packages/testkit/src/fixtures/images.js";
import { recipes } from "../../packages/testkit/src/fixtures/recipes.js";

const haveMirror = existsSync(join(SHARED_VULNDB, "osv"));

let cacheDir: string;
let img: BuiltImage;
let base: string[];

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-e2e-cli-"));
  made.push(dir);
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe.skipIf(!haveMirror)("bulwark scan image (CLI, real image, real mirror)", () => {
  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), "bulwark-e2e-vulncli-"));
    made.push(cacheDir);
    img = await buildImage(recipes.nodeModules);
    await updateVulnDb({ cacheDir, source: SHARED_VULNDB });
    base = ["--cache-dir", cacheDir, "scan", "image", img.ociRef, "--scanners", "vuln"];
  });

  it("prints valid JSON on stdout and progress on stderr; --fail-on sets exit 1", async () => {
    const r = await runCli([...base, "--format", "json", "--fail-on", "HIGH"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.length).toBeGreaterThan(10);
    expect(r.stderr).toMatch(/matched \d+ packages/);
    const high = report.findings.some((f) => f.severity === "CRITICAL" || f.severity === "HIGH");
    expect(high).toBe(true);
    expect(r.code).toBe(1);
    const only = await runCli([...base, "--format", "json", "--severity", "LOW", "--fail-on", "MEDIUM"]);
    expect(only.code).toBe(0);
  });

  it("reads docker-archive targets to the same findings", async () => {
    const fromOci = JSON.parse((await runCli([...base, "--format", "json"])).stdout) as Report;
    const archive = await img.dockerArchive();
    const r = await runCli([
      "--cache-dir",
      cacheDir,
      "scan",
      "image",
      `docker-archive:${archive}`,
      "--scanners",
      "vuln",
      "--format",
      "json",
    ]);
    expect(r.code).toBe(0);
    const ids = (rep: Report) =>
      rep.findings.map((f) => `${f.id} ${(f as VulnerabilityFinding).package.purl}`).sort();
    expect(ids(JSON.parse(r.stdout) as Report)).toEqual(ids(fromOci));
  });

  it("suppresses with VEX not_affected and keeps under_investigation", async () => {
    const vex = tmpFile(
      "app.openvex.json",
      JSON.stringify({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/app-1",
        author: "app team",
        timestamp: "2026-01-10T10:00:00Z",
        version: 1,
        statements: [
          {
            vulnerability: { name: "CVE-2018-3721" },
            products: [{ "@id": "pkg:npm/lodash@4.17.4" }],
            status: "not_affected",
            justification: "vulnerable_code_not_in_execute_path",
          },
          {
            vulnerability: { name: "CVE-2018-16487" },
            products: [{ "@id": "pkg:npm/lodash@4.17.4" }],
            status: "under_investigation",
          },
        ],
      }),
    );
    const report = JSON.parse((await runCli([...base, "--format", "json", "--vex", vex])).stdout) as Report;
    expect(report.findings.some((f) => f.id === "CVE-2018-3721")).toBe(false);
    expect(report.findings.some((f) => f.id === "CVE-2018-16487")).toBe(true);
    expect(report.summary.suppressed).toEqual([
      expect.objectContaining({
        by: "vex",
        reason: "VEX not_affected (vulnerable_code_not_in_execute_path)",
      }),
    ]);
  });

  it("applies the ignore file; expired entries stop applying and are reported", async () => {
    const ignore = tmpFile(
      ".bulwarkignore.yaml",
      `ignore:
  - id: NSWG-ECO-101
    package: marked
    reason: markdown is rendered offline only
  - id: CVE-2018-16487
    expires: 2020-01-01
    reason: old triage
`,
    );
    const r = await runCli([...base, "--format", "json", "--ignore-file", ignore]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.some((f) => f.id === "NSWG-ECO-101")).toBe(false);
    expect(report.findings.some((f) => f.id === "CVE-2018-16487")).toBe(true);
    expect(report.summary.suppressed.map((s) => s.finding.id)).toEqual(["NSWG-ECO-101"]);
    expect(report.warnings).toContain("ignore entry CVE-2018-16487 expired on 2020-01-01; no longer applied");
    expect(r.stderr).toContain("warning: ignore entry CVE-2018-16487 expired on 2020-01-01");
  });

  it("renders SARIF and CycloneDX for the image", async () => {
    const sarif = JSON.parse((await runCli([...base, "--format", "sarif"])).stdout);
    const results = sarif.runs[0].results as Array<{
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
    }>;
    expect(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toContain(
      "app/node_modules/esbuild-linux-64/bin/esbuild",
    );
    const bom = JSON.parse((await runCli([...base, "--format", "cyclonedx-json"])).stdout);
    expect(bom.specVersion).toBe("1.6");
    expect(bom.vulnerabilities.length).toBeGreaterThan(10);
  });

  it("prints the table grouped per package with a fix footer", async () => {
    const r = await runCli(base);
    expect(r.stdout).toMatch(/^lodash 4\.17\.4 → .*\[npm\] \/app\/node_modules\/lodash\/package\.json$/m);
    expect(r.stdout).toMatch(
      /^stdlib 1\.17\.2 → .*\[Go\] \/app\/node_modules\/esbuild-linux-64\/bin\/esbuild$/m,
    );
    expect(r.stdout).toMatch(/^\d+ of \d+ findings have a fix/m);
  });
});
