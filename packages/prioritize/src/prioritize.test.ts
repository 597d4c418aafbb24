import { spawn } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dpkgOwnership,
  funnel,
  notInUseVex,
  observedFiles,
  packagesInUse,
  prioritize,
  scoreFinding,
  type RiskFinding,
  type RuntimeContext,
} from "./index.js";

const f = (id: string, name: string, over: Partial<RiskFinding> = {}): RiskFinding => ({
  id,
  severity: "HIGH",
  kev: false,
  fixedVersion: "2.0",
  package: { name, version: "1.0", purl: `pkg:pypi/${name}@1.0` },
  ...over,
});
const window = { from: "2026-12-03T07:00:00Z", to: "2026-12-03T08:00:00Z" };

describe("scoreFinding", () => {
  it("states a reason for every factor it used", () => {
    const ctx: RuntimeContext = {
      inUse: { packages: new Set(["pkg:pypi/web@1.0"]), window, source: "/proc maps" },
      exposure: { ingress: true, listeningPorts: [8080] },
      privilege: { root: true, capabilities: ["CAP_SYS_ADMIN", "CAP_CHOWN"] },
      secretsReachable: 2,
    };
    const s = scoreFinding(f("CVE-1", "web", { kev: true, epss: 0.7, cvss: 9.8, severity: "CRITICAL" }), ctx);
    expect(s.reasons).toEqual([
      "critical severity (CVSS 9.8)",
      "known to be exploited (CISA KEV)",
      "EPSS 70.0% chance of exploitation in 30 days",
      "fix available (web 2.0)",
      "web is loaded by a running process (/proc maps)",
      "exposed: behind an Ingress, listening on port(s) 8080",
      "runs as root, dangerous capabilities CAP_SYS_ADMIN",
      "2 secret(s) reachable from the workload",
    ]);
    expect(s.score).toBe(100);
    expect(s.why).toMatch(/^CVE-1 in web 1\.0: critical severity/);
  });

  it("ranks the loaded package above the same vulnerability in a package never loaded", () => {
    const ctx: RuntimeContext = {
      inUse: { packages: new Set(["pkg:pypi/used@1.0"]), window, source: "test" },
    };
    const [first, second] = prioritize([f("CVE-N", "unused"), f("CVE-U", "used")], () => ctx);
    expect([first!.finding.id, first!.inUse, second!.inUse]).toEqual(["CVE-U", true, false]);
    expect(second!.why).toMatch(/never loaded between 2026-12-03T07:00:00Z and 2026-12-03T08:00:00Z/);
  });

  it("says so when there is no runtime evidence, rather than guessing", () => {
    const s = scoreFinding(f("CVE-2", "x"));
    expect(s.inUse).toBeUndefined();
    expect(s.reasons).toContain("no runtime evidence of use");
  });

  it("stays within 0..100 and never drops when exploitation or exposure is added (property)", () => {
    const sev = fc.constantFrom("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN") as fc.Arbitrary<
      RiskFinding["severity"]
    >;
    fc.assert(
      fc.property(
        sev,
        fc.option(fc.double({ min: 0, max: 10, noNaN: true })),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.boolean(),
        fc.boolean(),
        (severity, cvss, epss, fixed, used) => {
          const base = f("CVE-P", "p", { severity, cvss, epss, fixedVersion: fixed ? "2" : null });
          const ctx: RuntimeContext = {
            inUse: { packages: new Set(used ? ["p"] : []), window, source: "t" },
          };
          const plain = scoreFinding(base, ctx);
          const kev = scoreFinding({ ...base, kev: true }, ctx);
          const exposed = scoreFinding(base, { ...ctx, exposure: { ingress: true } });
          for (const s of [plain, kev, exposed]) {
            expect(s.score).toBeGreaterThanOrEqual(0);
            expect(s.score).toBeLessThanOrEqual(100);
          }
          expect(kev.score).toBeGreaterThanOrEqual(plain.score);
          expect(exposed.score).toBeGreaterThanOrEqual(plain.score);
        },
      ),
    );
  });
});

describe("funnel and VEX", () => {
  it("narrows high/critical → fixable → in use → exposed", () => {
    const ctx: RuntimeContext = {
      inUse: { packages: new Set(["a", "b"]), window, source: "t" },
      exposure: { ingress: true },
    };
    const ranked = prioritize(
      [f("1", "a"), f("2", "b", { fixedVersion: null }), f("3", "c"), f("4", "d", { severity: "LOW" })],
      () => ctx,
    );
    expect(funnel(ranked)).toEqual({ highOrCritical: 3, fixable: 2, inUse: 1, exposed: 1 });
  });

  it("emits not_affected only for packages observed and never loaded, stating the window", () => {
    const ctx: RuntimeContext = {
      inUse: { packages: new Set(["pkg:pypi/used@1.0"]), window, source: "runc container, /proc/PID/maps" },
    };
    const doc = notInUseVex(
      prioritize([f("CVE-U", "used"), f("CVE-N", "unused")], () => ctx),
      ctx,
      "registry.example/app@sha256:abc",
    );
    expect(doc.statements.map((s) => [s.vulnerability.name, s.status, s.justification])).toEqual([
      ["CVE-N", "not_affected", "vulnerable_code_not_in_execute_path"],
    ]);
    expect(doc.statements[0]!.products[0]).toEqual({
      "@id": "registry.example/app@sha256:abc",
      subcomponents: [{ "@id": "pkg:pypi/unused@1.0" }],
    });
    expect(doc.statements[0]!.impact_statement).toMatch(
      /between 2026-12-03T07:00:00Z and 2026-12-03T08:00:00Z.*observation window only/,
    );
    // Without observation nothing is claimed.
    expect(notInUseVex(prioritize([f("CVE-N", "unused")]), {}, "x").statements).toEqual([]);
  });
});

describe("in use from a real process", () => {
  it("joins a running python3's mapped files with dpkg ownership: libffi8 in use, libsqlite3-0 not", async () => {
    const child = spawn(
      "/usr/bin/python3.11",
      ["-c", "import _ctypes, sys; sys.stdout.write('ready\\n'); sys.stdout.flush(); sys.stdin.read()"],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((r) => child.stdout.once("data", () => r()));
      const packages = ["libffi8", "libsqlite3-0", "libpython3.11-stdlib"].map((name) => ({
        type: "deb",
        name,
        purl: `pkg:deb/debian/${name}`,
        locations: [{ path: "/var/lib/dpkg/status" }],
      }));
      const used = packagesInUse(observedFiles(child.pid!), packages, dpkgOwnership(packages));
      expect([...used].sort()).toEqual(["pkg:deb/debian/libffi8", "pkg:deb/debian/libpython3.11-stdlib"]);
    } finally {
      child.kill();
    }
  });
});
