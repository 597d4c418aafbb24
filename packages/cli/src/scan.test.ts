import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../model/src/finding.js";
import { runCli } from "./testutil/cli.js";

const cli = runCli;

afterEach(() => {
  process.exitCode = undefined;
});

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-cli-scan-"));
  made.push(dir);
  return dir;
}

/** A Dockerfile the misconfiguration checks fire on (runs as root, `latest`, curl | sh). */
function insecureProject(): string {
  const dir = tmp();
  writeFileSync(
    join(dir, "Dockerfile"),
    'FROM debian:latest\nRUN curl -sSL https://example.com/install.sh | sh\nEXPOSE 22\nCMD ["/app"]\n',
  );
  return dir;
}

/** `bulwark scan config DIR --scanners misconfig …extra` with a fresh cache dir. */
function scanConfig(dir: string, ...extra: string[]): ReturnType<typeof cli> {
  return cli(["--cache-dir", tmp(), "scan", "config", dir, "--scanners", "misconfig", ...extra]);
}

describe("bulwark scan: bad input", () => {
  it("--fail-on garbage → exit 2, one line", async () => {
    const r = await cli(["--cache-dir", tmp(), "scan", "config", insecureProject(), "--fail-on", "SEVERE"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'bulwark: USAGE: --fail-on: unknown severity "SEVERE" (expected CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN)\n',
    );
    expect(r.stdout).toBe("");
  });

  it("no database with the vuln scanner → DB_MISSING, exit 2, one line", async () => {
    const cache = tmp();
    const r = await cli(["--cache-dir", cache, "scan", "rootfs", tmp(), "--scanners", "vuln"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^bulwark: DB_MISSING: no vulnerability database at .*bulwark db update/);
  });

  it("a missing path → TARGET_NOT_FOUND, exit 2", async () => {
    const r = await scanConfig("/nonexistent/bulwark-test");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("bulwark: TARGET_NOT_FOUND: /nonexistent/bulwark-test does not exist\n");
  });

  it("unknown scanner and format → exit 2", async () => {
    const a = await cli(["--cache-dir", tmp(), "scan", "config", insecureProject(), "--scanners", "virus"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^bulwark: USAGE: unknown scanner "virus"/);
    const b = await cli(["--cache-dir", tmp(), "scan", "config", insecureProject(), "--format", "xml"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^bulwark: USAGE: unknown --format "xml"/);
  });

  it("an ignore file without a reason → exit 2 naming the file", async () => {
    const dir = insecureProject();
    const ignore = join(tmp(), "ignore.yaml");
    writeFileSync(ignore, "- id: BW-DF-001\n");
    const r = await scanConfig(dir, "--ignore-file", ignore);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: CONFIG_INVALID: .*ignore\.yaml: entry 1 \(BW-DF-001\) has no reason/);
  });
});

describe("bulwark scan: reports and exit codes", () => {
  it("--format json on stdout is valid JSON; --fail-on decides the exit code", async () => {
    const dir = insecureProject();
    const base = ["--cache-dir", tmp(), "scan", "config", dir, "--scanners", "misconfig", "--format", "json"];
    const pass = await cli(base);
    expect(pass.code).toBe(0);
    const report = JSON.parse(pass.stdout) as Report;
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.kind === "misconfiguration")).toBe(true);
    const worst = report.findings.some((f) => f.severity === "CRITICAL") ? "CRITICAL" : "HIGH";
    expect((await cli([...base, "--fail-on", "LOW"])).code).toBe(1);
    expect((await cli([...base, "--fail-on", worst.toLowerCase()])).code).toBe(1);
    const onlyLow = await cli([...base, "--severity", "LOW", "--fail-on", "MEDIUM"]);
    expect(onlyLow.code).toBe(0);
    expect((JSON.parse(onlyLow.stdout) as Report).findings.every((f) => f.severity === "LOW")).toBe(true);
  });

  it("suppressed findings stay listed, and --output writes the file instead of stdout", async () => {
    const dir = insecureProject();
    const first = JSON.parse((await scanConfig(dir, "--format", "json")).stdout) as Report;
    const target = first.findings[0]!;
    const ignore = join(tmp(), "ignore.yaml");
    writeFileSync(
      ignore,
      `ignore:\n  - id: ${target.id}\n    reason: accepted in the demo\n    expires: 2999-01-01\n`,
    );
    const out = join(tmp(), "report.json");
    const r = await scanConfig(dir, "--format", "json", "--ignore-file", ignore, "--output", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const report = JSON.parse(readFileSync(out, "utf8")) as Report;
    expect(report.findings.some((f) => f.id === target.id)).toBe(false);
    expect(report.summary.suppressed.map((s) => [s.finding.id, s.by, s.reason])).toContainEqual([
      target.id,
      "ignore-file",
      "accepted in the demo",
    ]);
  });

  it("sarif and table formats render the same scan", async () => {
    const dir = insecureProject();
    const base = ["--cache-dir", tmp(), "scan", "config", dir, "--scanners", "misconfig"];
    const sarif = JSON.parse((await cli([...base, "--format", "sarif"])).stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    const table = (await cli(base)).stdout;
    expect(table).toContain("Misconfigurations");
    expect(table).toContain("Dockerfile:");
  });
});
