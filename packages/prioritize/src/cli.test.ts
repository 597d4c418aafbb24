import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const bin = resolve(dirname(fileURLToPath(import.meta.url)), "../../cli/src/bin.ts");
const tsx = fileURLToPath(import.meta.resolve("tsx"));
const dir = mkdtempSync(join(tmpdir(), "bulwark-prio-"));
const testdata = resolve(dirname(fileURLToPath(import.meta.url)), "testdata");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", tsx, bin, ...args], {
    encoding: "utf8",
    // The sources, never a stale dist/ (as vitest.config.ts sets for every child process).
    env: { ...process.env, NODE_OPTIONS: "--conditions=bulwark-source" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const vuln = (id: string, name: string) => ({
  kind: "vulnerability",
  id,
  aliases: [],
  severity: "HIGH",
  package: { name, version: "1.0", purl: `pkg:pypi/${name}@1.0`, ecosystem: "PyPI" },
  fixedVersion: "2.0",
  kev: false,
  location: { path: `/app/${name}-1.0.dist-info/METADATA` },
});

describe("bulwark prioritize", () => {
  it("prints the funnel and reasons, and writes OpenVEX for the package never loaded", () => {
    const report = join(dir, "r.json");
    const evidence = join(dir, "e.json");
    const vex = join(dir, "vex.json");
    writeFileSync(
      report,
      JSON.stringify({
        schemaVersion: 1,
        target: "app:1",
        findings: [vuln("CVE-1", "used"), vuln("CVE-2", "idle")],
      }),
    );
    writeFileSync(
      evidence,
      JSON.stringify({
        inUse: { packages: ["pkg:pypi/used@1.0"], from: "2026-12-03T07:00:00Z", to: "2026-12-03T08:00:00Z" },
        exposure: { listeningPorts: [80] },
      }),
    );
    const table = cli(["prioritize", "--report", report, "--evidence", evidence, "--vex-out", vex]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toBe("high/critical 2 → fixable 2 → in use 1 → exposed 1");
    expect(table.stdout).toMatch(/CVE-1 in used 1\.0: .*loaded by a running process/);
    const doc = JSON.parse(readFileSync(vex, "utf8")) as {
      statements: Array<{ vulnerability: { name: string } }>;
    };
    expect(doc.statements.map((s) => s.vulnerability.name)).toEqual(["CVE-2"]);
    const json = JSON.parse(cli(["prioritize", "--report", report, "--format", "json"]).stdout) as {
      findings: Array<{ why: string }>;
    };
    expect(json.findings).toHaveLength(2);
  });

  it("fails with one line on a report that is not a report", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{not json");
    const r = cli(["prioritize", "--report", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^bulwark: PARSE: cannot read report/);
  });

  it("--observe on a host with no container of the image: one line, exit 2, no window spent", () => {
    const report = join(dir, "r-observe.json");
    writeFileSync(
      report,
      JSON.stringify({ schemaVersion: 1, target: "app:1", findings: [vuln("CVE-1", "used")] }),
    );
    const digest = `sha256:${"0".repeat(63)}1`;
    const r = cli(["prioritize", "--report", report, "--observe", "--image", digest, "--window", "10m"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(`^bulwark: TARGET_NOT_FOUND: --observe: no running container of ${digest} on this host`),
    );
  });

  it("refuses flags that cannot work together, before reading anything", () => {
    const report = join(dir, "absent.json");
    const cases: Array<[string[], RegExp]> = [
      [["--observe", "--evidence", "e.json"], /--observe and --evidence are exclusive/],
      [["--image", "app:1"], /--image needs --observe/],
      [["--observe", "--window", "soon"], /--window: expected a duration/],
      [["--observe", "--window", "0s"], /--window: expected a duration/],
    ];
    for (const [flags, message] of cases) {
      const r = cli(["prioritize", "--report", report, ...flags]);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^bulwark: USAGE: ${message.source}`));
    }
    writeFileSync(report, JSON.stringify({ schemaVersion: 1, target: "oci:/tmp/layout:1", findings: [] }));
    const r = cli(["prioritize", "--report", report, "--observe"]);
    expect(r.stderr).toMatch(
      /^bulwark: USAGE: --observe: the report's target "oci:\/tmp\/layout:1" is not an image reference; name the image with --image DIGEST\|REF/,
    );
  });

  it("--manifests: Service and Ingress exposure from a directory; a broken file is named, not fatal", () => {
    const report = join(dir, "m-report.json");
    const manifests = join(dir, "manifests");
    mkdirSync(join(manifests, "sub"), { recursive: true });
    copyFileSync(join(testdata, "shop.yaml"), join(manifests, "sub", "shop.yaml"));
    writeFileSync(join(manifests, "broken.yaml"), "kind: [unclosed\n");
    const target = (ref: string) => {
      writeFileSync(
        report,
        JSON.stringify({ schemaVersion: 1, target: ref, findings: [vuln("CVE-9", "web")] }),
      );
      return cli(["prioritize", "--report", report, "--manifests", manifests, "--format", "json"]);
    };
    const admin = target("registry.example/shop/admin:2");
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stderr).toMatch(/broken\.yaml: not readable as YAML .*skipped/);
    type Out = { findings: Array<{ why: string; exposed: boolean | undefined }> };
    const out = JSON.parse(admin.stdout) as Out;
    expect(out.findings[0]!.exposed).toBe(true);
    expect(out.findings[0]!.why).toMatch(/exposed: Service type NodePort/);
    const worker = JSON.parse(target("registry.example/shop/worker:3").stdout) as Out;
    expect(worker.findings[0]!.exposed).toBe(false);
    const missing = cli(["prioritize", "--report", report, "--manifests", join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });
});
