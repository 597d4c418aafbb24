import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report, ComplianceReport } from "../../../model/src/finding.js";
import { scanTarget, type RunOptions } from "../scan/run.js";

// The compliance view must be computed from what survives every suppression: the ignore
// file is applied by the orchestrator (scanTarget), after the scanner has run.
const POD = `apiVersion: v1
kind: Pod
metadata: { name: agent, namespace: ops }
spec:
  containers:
    - name: agent
      image: registry.example.com/ops/agent:1.2.3
      securityContext:
        privileged: true
        capabilities: { add: [SYS_ADMIN] }
      volumeMounts: [{ name: host, mountPath: /host }]
  volumes:
    - name: host
      hostPath: { path: /var/log } # bulwark:ignore=BW-K8S-013 the agent reads node logs
`;

const IGNORE = `ignore:
  - id: BW-K8S-001
    path: "**/pod.yaml"
    reason: node agent, reviewed by the platform team
  - id: BW-K8S-006
    reason: needs mount(2) for the log collector
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-compliance-"));
  writeFileSync(join(dir, "pod.yaml"), POD);
  writeFileSync(join(dir, "ignore.yaml"), IGNORE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(compliance: string, extra: Partial<RunOptions> = {}): Promise<Report> {
  return scanTarget("config", join(dir, "pod.yaml"), {
    cacheDir: dir,
    scanners: ["misconfig"],
    compliance,
    cwd: dir,
    ...extra,
  });
}
const compliance = (r: Report) => r.summary.compliance as ComplianceReport;
const control = (r: Report, id: string) => compliance(r).controls.find((c) => c.id === id);
const withIgnores = (): Partial<RunOptions> => ({ ignoreFile: join(dir, "ignore.yaml") });

describe("compliance after suppressions (through scanTarget)", () => {
  it("fails the control when nothing suppresses the finding", async () => {
    const r = await scan("cis-kubernetes");
    expect(r.findings.map((f) => f.id)).toContain("BW-K8S-001");
    expect(control(r, "5.2.2")).toMatchObject({ status: "fail", failed: ["BW-K8S-001"] });
    expect(control(r, "5.2.2")?.suppressed).toBeUndefined();
  });

  it("passes a control whose only finding the ignore file suppressed, and counts it", async () => {
    const r = await scan("cis-kubernetes", withIgnores());
    expect(r.findings.map((f) => f.id)).not.toContain("BW-K8S-001");
    const byIgnoreFile = r.summary.suppressed.filter((s) => s.by === "ignore-file").map((s) => s.finding.id);
    expect(byIgnoreFile.sort()).toEqual(["BW-K8S-001", "BW-K8S-006"]);
    expect(control(r, "5.2.2")).toMatchObject({
      status: "pass",
      failed: [],
      suppressed: 1,
      suppressedChecks: ["BW-K8S-001"],
    });
    expect(compliance(r).totals.passWithSuppressions).toBeGreaterThanOrEqual(2);
  });

  it("counts inline suppressions the same way", async () => {
    const r = await scan("cis-kubernetes");
    expect(r.summary.suppressed.find((s) => s.finding.id === "BW-K8S-013")?.by).toBe("inline");
    expect(control(r, "5.2.12")).toMatchObject({
      status: "pass",
      suppressed: 1,
      suppressedChecks: ["BW-K8S-013"],
    });
  });

  it("still fails a control when another of its checks has an unsuppressed finding", async () => {
    // CIS Docker 5.3 (capabilities) maps BW-K8S-005 (drop ALL, not suppressed) and BW-K8S-006.
    const r = await scan("cis-docker", withIgnores());
    const c = control(r, "5.3");
    expect(c).toMatchObject({ status: "fail", suppressed: 1, suppressedChecks: ["BW-K8S-006"] });
    expect(c?.failed).toContain("BW-K8S-005");
    expect(c?.failed).not.toContain("BW-K8S-006");
  });

  it("does not let --severity turn a failed control into a pass", async () => {
    const r = await scan("cis-kubernetes", { severities: ["CRITICAL"] });
    expect(r.findings.map((f) => f.id)).not.toContain("BW-K8S-001");
    expect(control(r, "5.2.2")?.status).toBe("fail");
  });
});
