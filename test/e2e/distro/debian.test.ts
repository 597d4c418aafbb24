/**
 * Distribution advisories end to end: two bookworm root filesystems built by the test
 * with mmdebstrap from Debian's archive (bookworm, bookworm-updates, bookworm-security):
 * one with OpenSSL and expat held at the OLDEST version the archive still offers (a
 * point release or bookworm-updates instead of bookworm-security), one fully updated.
 * `scan rootfs` must report exactly the DSA/DLA advisories that deb_eval.py computes
 * independently (python3-apt's TagFile and libapt version order, source-package
 * matching), naming binary package, source package and the CVEs; the updated root gets none.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cached, hasCommand, run } from "../../../packages/scanner/src/analyzer/testutil/testcache.js";
import { runCli } from "../../../packages/cli/src/testutil/cli.js";
import type { Report, VulnerabilityFinding } from "../../../packages/model/src/finding.js";
import { SHARED_VULNDB } from "../../../packages/scanner/src/match/testutil/testdb.js";
import { osLanguageShare } from "../../../packages/scanner/src/report/os-share.js";
import { updateVulnDb } from "../../../packages/vulndb/src/update.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCES = [
  "deb http://deb.debian.org/debian bookworm main",
  "deb http://deb.debian.org/debian bookworm-updates main",
  "deb http://deb.debian.org/debian-security bookworm-security main",
];
const HELD = ["libssl3", "openssl", "libexpat1"];

function why(): string {
  if (process.getuid?.() !== 0) return "mmdebstrap needs root";
  for (const c of ["mmdebstrap", "apt-cache"]) if (!hasCommand(c)) return `${c} missing (Debian package)`;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import apt_pkg"], { stdio: "ignore" });
  } catch {
    return "python3-apt missing (Debian package python3-apt)";
  }
  if (!existsSync(join(SHARED_VULNDB, "osv/Debian/all.zip")))
    return `no Debian advisories in ${SHARED_VULNDB}`;
  return "";
}
const skip = why();

/** The oldest version of a package the host's bookworm archive lists (libapt order). */
function oldestVersion(pkg: string): string {
  const versions = run("apt-cache", ["madison", pkg])
    .split("\n")
    .map((l) => l.split("|")[1]?.trim())
    .filter((v): v is string => Boolean(v));
  const py =
    "import apt_pkg,sys,functools;apt_pkg.init_system();v=sys.argv[1:];print(sorted(v,key=functools.cmp_to_key(apt_pkg.version_compare))[0])";
  return run("/usr/bin/python3", ["-c", py, ...versions]).trim();
}

function rootfs(name: string, include: string[]): string {
  const dir = cached(`bookworm-adv-v1:${name}:${include.join(",")}:${SOURCES.join(";")}`, (work) => {
    run("mmdebstrap", [
      "--variant=minbase",
      "--quiet",
      "--format=directory",
      `--include=${include.join(",")}`,
      "bookworm",
      join(work, "root"),
      ...SOURCES,
    ]);
  });
  return join(dir, "root");
}

interface Expected {
  binary: string;
  source: string;
  id: string;
  cves: string[];
  fixed: string | null;
}

function independent(root: string): Expected[] {
  const out = execFileSync("/usr/bin/python3", [join(HERE, "deb_eval.py"), root, SHARED_VULNDB, "12"], {
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Expected);
}

let cacheDir = "";
beforeAll(async () => {
  if (skip) return;
  cacheDir = mkdtempSync(join(tmpdir(), "bulwark-e2e-distro-"));
  await updateVulnDb({ cacheDir, source: SHARED_VULNDB, ecosystems: ["Debian"] });
}, 600_000);
afterAll(() => {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

async function scan(root: string): Promise<{ report: Report; table: string }> {
  const base = ["--cache-dir", cacheDir, "scan", "rootfs", root, "--scanners", "vuln"];
  const json = await runCli([...base, "--format", "json"]);
  expect(json.code).toBe(0);
  return { report: JSON.parse(json.stdout) as Report, table: (await runCli(base)).stdout };
}

const key = (binary: string, source: string, id: string) => `${binary} (${source}) ${id}`;

describe.skipIf(skip)("Debian advisories on bookworm roots built with mmdebstrap", () => {
  it("held-back libraries: exactly the independently computed DSA/DLA advisories", async () => {
    const include = HELD.map((p) => `${p}=${oldestVersion(p)}`);
    const root = rootfs("held", include);
    const expected = independent(root);
    expect(expected.length, `no advisory applies to ${include.join(" ")}`).toBeGreaterThan(0);
    const { report, table } = await scan(root);
    const os = report.findings.filter((f): f is VulnerabilityFinding => f.kind === "vulnerability");
    expect(os.map((f) => key(f.package.name, f.package.source?.name ?? "?", f.id)).sort()).toEqual(
      expected.map((e) => key(e.binary, e.source, e.id)).sort(),
    );
    for (const e of expected) {
      const f = os.find((x) => x.package.name === e.binary && x.id === e.id)!;
      expect(f.upstream ?? [], e.id).toEqual(e.cves);
      expect(f.fixedVersion).toBe(e.fixed);
    }
    const share = osLanguageShare(os);
    expect(share.os.findings).toBe(expected.length);
    expect(share.os.fixable).toBe(expected.filter((e) => e.fixed).length);
    expect(table).toContain(`OS packages: ${share.os.findings} (100%), ${share.os.fixable} with a fix`);
    // The same numbers in the JSON summary, for the funnel.
    expect(report.summary.share).toEqual({ os: share.os, language: { findings: 0, fixable: 0 } });
    expect(table).toMatch(/^libssl3 \S+ \(source openssl\)/m);
  }, 900_000);

  it("fully updated root: none", async () => {
    const root = rootfs("updated", HELD);
    expect(independent(root)).toEqual([]);
    const { report } = await scan(root);
    expect(report.findings).toEqual([]);
  }, 900_000);
});
