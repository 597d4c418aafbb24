/**
 * Alpine and Wolfi advisories end to end through the CLI. No apk-based root filesystem can
 * be built from Debian's archive (Debian ships no apk-tools, and the Alpine/Wolfi package
 * repositories are not among this machine's sources), so each root is written by hand: an
 * `/etc/os-release` and a `/lib/apk/db/installed` in apk's own format (P:/V:/A:/o: fields,
 * origins as Alpine 3.19 and Wolfi name them), nothing else. `bulwark scan rootfs` with a
 * database imported from the real Alpine and Wolfi feeds of ../shared/vulndb must report
 * exactly the (binary package, advisory) pairs that apk_eval.py computes independently
 * (its own apk version order, origin matching), with the feed's fixed versions and
 * statuses (Wolfi's fix-not-planned → will_not_fix, pending-upstream-fix → affected).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../packages/cli/src/testutil/cli.js";
import type { Report, VulnerabilityFinding } from "../../../packages/model/src/finding.js";
import { SHARED_VULNDB } from "../../../packages/scanner/src/match/testutil/testdb.js";
import { updateVulnDb } from "../../../packages/vulndb/src/update.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = "/usr/bin/python3";

function why(): string {
  if (!existsSync(PYTHON)) return "python3 missing (Debian package python3)";
  for (const e of ["Alpine", "Wolfi"])
    if (!existsSync(join(SHARED_VULNDB, "osv", e, "all.zip")))
      return `no ${e} advisories in ${SHARED_VULNDB}`;
  return "";
}
const skip = why();

/** [binary, version, origin] */
type Apk = [string, string, string];

const ALPINE: Apk[] = [
  ["musl", "1.2.4-r2", "musl"],
  ["busybox", "1.36.1-r15", "busybox"],
  ["busybox-binsh", "1.36.1-r15", "busybox"],
  ["ssl_client", "1.36.1-r15", "busybox"],
  ["libcrypto3", "3.1.4-r1", "openssl"],
  ["libssl3", "3.1.4-r1", "openssl"],
  ["zlib", "1.3-r2", "zlib"],
  ["libcurl", "8.5.0-r0", "curl"],
  ["curl", "8.5.0-r0", "curl"],
  ["libexpat", "2.5.0-r2", "expat"],
  ["alpine-baselayout", "3.4.3-r2", "alpine-baselayout"],
];

const WOLFI: Apk[] = [
  ["glibc", "2.37-r0", "glibc"],
  ["ld-linux", "2.37-r0", "glibc"],
  ["libcrypto3", "3.1.0-r0", "openssl"],
  ["libssl3", "3.1.0-r0", "openssl"],
  ["busybox", "1.36.0-r0", "busybox"],
  ["go-1.20", "1.20.1-r0", "go-1.20"],
  ["libcurl-openssl4", "8.0.0-r0", "curl"],
  ["zlib", "1.2.13-r0", "zlib"],
  ["wolfi-baselayout", "20230201-r0", "wolfi-baselayout"],
];

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function rootfs(osRelease: string, packages: Apk[], arch: string): string {
  const root = mkdtempSync(join(tmpdir(), "bulwark-e2e-apk-"));
  made.push(root);
  mkdirSync(join(root, "etc"));
  mkdirSync(join(root, "lib/apk/db"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), osRelease);
  const stanzas = packages.map(([p, v, o]) => `P:${p}\nV:${v}\nA:${arch}\nT:${p}\nL:MIT\no:${o}\n`);
  writeFileSync(join(root, "lib/apk/db/installed"), `${stanzas.join("\n")}\n`);
  return root;
}

interface Expected {
  binary: string;
  source: string;
  id: string;
  fixed: string | null;
  status: string | null;
}

function independent(root: string): Expected[] {
  const out = execFileSync(PYTHON, [join(HERE, "apk_eval.py"), root, SHARED_VULNDB], { encoding: "utf8" });
  const seen = new Map<string, Expected>();
  for (const line of out.split("\n").filter(Boolean)) {
    const e = JSON.parse(line) as Expected;
    seen.set(`${e.binary} ${e.id}`, e);
  }
  return [...seen.values()];
}

/** The feed's advisory ids a finding stands for (merged records keep theirs as aliases). */
const recordIds = (f: VulnerabilityFinding) => [f.id, ...f.aliases].filter((i) => /^(ALPINE|CGA)-/.test(i));
const STATUS: Record<string, string> = {
  "fix-not-planned": "will_not_fix",
  "pending-upstream-fix": "affected",
};

let cacheDir = "";
beforeAll(async () => {
  if (skip) return;
  cacheDir = mkdtempSync(join(tmpdir(), "bulwark-e2e-apkdb-"));
  made.push(cacheDir);
  await updateVulnDb({ cacheDir, source: SHARED_VULNDB, ecosystems: ["Alpine", "Wolfi"] });
}, 600_000);

/** `bulwark scan rootfs ROOT --scanners vuln --format json` against the imported feeds. */
const scanRoot = (root: string) =>
  runCli(["--cache-dir", cacheDir, "scan", "rootfs", root, "--scanners", "vuln", "--format", "json"]);

async function check(root: string, source: string): Promise<Expected[]> {
  const expected = independent(root);
  const r = await scanRoot(root);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  const found = report.findings.filter((f): f is VulnerabilityFinding => f.kind === "vulnerability");
  const pairs = found.flatMap((f) => recordIds(f).map((id) => `${f.package.name} ${id}`));
  expect(pairs.sort()).toEqual(expected.map((e) => `${e.binary} ${e.id}`).sort());
  for (const f of found) {
    const mine = expected.filter((e) => e.binary === f.package.name && recordIds(f).includes(e.id));
    expect(f.package.source?.name, f.id).toBe(mine[0]!.source);
    expect(f.package.purl).toMatch(new RegExp(`^pkg:apk/${source}/`));
    const fixes = mine.map((e) => e.fixed).filter((v): v is string => v !== null);
    if (fixes.length) {
      expect(fixes, `${f.package.name} ${f.id}`).toContain(f.fixedVersion);
      expect(f.status).toBe("fixed");
    } else {
      expect(f.fixedVersion).toBeNull();
      const statuses = new Set(mine.map((e) => STATUS[e.status ?? ""] ?? "affected"));
      if (statuses.size === 1) expect(f.status).toBe([...statuses][0]);
    }
  }
  const fixable = found.filter((f) => f.fixedVersion !== null).length;
  expect(report.summary.share).toEqual({
    os: { findings: found.length, fixable },
    language: { findings: 0, fixable: 0 },
  });
  return expected;
}

describe.skipIf(skip)("Alpine and Wolfi advisories (hand-written apk roots, real feeds)", () => {
  it("Alpine 3.19: exactly the independently computed advisories, matched by origin", async () => {
    const root = rootfs('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\n', ALPINE, "x86_64");
    const expected = await check(root, "alpine");
    expect(expected.length, "no Alpine advisory applies").toBeGreaterThan(0);
    // Subpackages are covered by their origin's advisories.
    expect(expected.some((e) => e.binary === "libssl3" && e.source === "openssl")).toBe(true);
    expect(expected.some((e) => e.binary === "alpine-baselayout")).toBe(false);
  }, 300_000);

  it("Wolfi: fixed, fix-not-planned and pending-upstream-fix advisories, matched by origin", async () => {
    const root = rootfs('ID=wolfi\nNAME="Wolfi"\nVERSION_ID=20230201\n', WOLFI, "x86_64");
    const expected = await check(root, "wolfi");
    expect(expected.some((e) => e.status === "fix-not-planned")).toBe(true);
    expect(expected.some((e) => e.status === "pending-upstream-fix")).toBe(true);
    expect(expected.some((e) => e.binary === "libcrypto3" && e.fixed)).toBe(true);
  }, 300_000);

  it("a release the feed does not cover (Alpine 3.22, data to v3.21): no findings and a warning", async () => {
    const root = rootfs('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.22.1\n', ALPINE, "x86_64");
    expect(independent(root)).toEqual([]);
    const r = await scanRoot(root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.warnings?.join("\n")).toContain(
      `no Alpine:v3.22 advisories (the feed does not cover this release: end of life, or newer than the data): ${ALPINE.length} package(s) were not checked`,
    );
  }, 300_000);
});
