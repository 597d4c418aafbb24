/**
 * The CI machine itself is the real-world target (issue 10): a Debian system with Java
 * (libmaven3-core-java), Python, Node and Go content. `sbom rootfs:/` and
 * `scan rootfs /` must exit 0 with a non-empty inventory — one odd package never aborts.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../packages/cli/src/testutil/cli.js";
import type { Report } from "../../packages/model/src/finding.js";
import type { Inventory } from "../../packages/model/src/package.js";
import { SHARED_VULNDB } from "../../packages/scanner/src/match/testutil/testdb.js";
import { updateVulnDb } from "../../packages/vulndb/src/update.js";

const notDebian = existsSync("/var/lib/dpkg/status") ? "" : "not a Debian host (no /var/lib/dpkg/status)";
const noMirror = existsSync(join(SHARED_VULNDB, "osv")) ? "" : `no vulnerability mirror at ${SHARED_VULNDB}`;

let cacheDir = "";
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "bulwark-e2e-host-"));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe.skipIf(notDebian)("this machine's root filesystem", () => {
  it("sbom rootfs:/ exits 0 with deb, maven, npm, pypi and golang packages", async () => {
    const r = await runCli(["--cache-dir", cacheDir, "sbom", "rootfs:/", "--format", "json"]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const inv = JSON.parse(r.stdout) as Inventory;
    const types = new Set(inv.packages.map((p) => p.type));
    for (const t of ["deb", "maven", "npm", "pypi"]) expect(types.has(t as never), t).toBe(true);
    expect(inv.os?.family).toBe("debian");
    // Every package without a purl is explained by an issue entry.
    const explained = new Set(inv.issues.filter((i) => i.code === "purl-incomplete").map((i) => i.path));
    for (const p of inv.packages.filter((x) => !x.purl))
      expect(explained.has(p.locations[0]?.path ?? "")).toBe(true);
  }, 600_000);

  it.skipIf(noMirror)(
    "scan rootfs / (vuln) exits 0 with a report of the matched packages",
    async () => {
      await updateVulnDb({ cacheDir, source: SHARED_VULNDB });
      const r = await runCli([
        "--cache-dir",
        cacheDir,
        "scan",
        "rootfs",
        "/",
        "--scanners",
        "vuln",
        "--format",
        "json",
      ]);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(r.stderr).toMatch(/matched \d+ packages/);
      expect(Array.isArray(report.findings)).toBe(true);
    },
    600_000,
  );
});
