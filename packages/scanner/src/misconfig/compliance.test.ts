import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isBulwarkError } from "../../../model/src/errors.js";
import type { ComplianceReport } from "../../../model/src/finding.js";
import { renderComplianceTable } from "../report/compliance.js";
import { scanConfigPath } from "./engine.js";

const testdata = join(dirname(fileURLToPath(import.meta.url)), "testdata");
const scan = (set: string, compliance: string) =>
  scanConfigPath(join(testdata, set), {
    cacheDir: "/x",
    scanners: [],
    compliance,
    allowedRegistries: ["registry.example.com"],
  });
const control = (c: ComplianceReport, id: string) => c.controls.find((x) => x.id === id);

describe("compliance view", () => {
  it("passes every applicable CIS Kubernetes control on the hardened set; node controls are not applicable", async () => {
    const c = (await scan("hardened", "cis-kubernetes")).summary!.compliance as ComplianceReport;
    expect(c.totals.fail).toBe(0);
    expect(control(c, "5.2.2")).toMatchObject({ status: "pass", checks: ["BW-K8S-001"], failed: [] });
    expect(control(c, "4.2.1")?.status).toBe("not-applicable");
    expect(c.totals.pass).toBeGreaterThan(15);
  });

  it("fails the controls whose checks fired on the insecure set", async () => {
    const c = (await scan("insecure", "cis-kubernetes")).summary!.compliance as ComplianceReport;
    expect(control(c, "5.2.2")).toMatchObject({ status: "fail", failed: ["BW-K8S-001"] });
    expect(control(c, "5.1.3")?.status).toBe("fail");
    const docker = (await scan("insecure", "cis-docker")).summary!.compliance as ComplianceReport;
    expect(control(docker, "4.1")?.failed).toEqual(expect.arrayContaining(["BW-DF-001", "BW-K8S-003"]));
    expect(control(docker, "2.2")?.status).toBe("not-applicable");
  });

  it("renders a table with one row per control", async () => {
    const c = (await scan("insecure", "nsa-cisa")).summary!.compliance as ComplianceReport;
    const table = renderComplianceTable(c);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^NSA\/CISA .*: \d+ pass, \d+ fail, \d+ not applicable$/);
    expect(lines[1]).toMatch(/^CONTROL\s+STATUS\s+TITLE/);
    expect(lines).toHaveLength(c.controls.length + 2);
    expect(table).toContain("Pod security: non-root containers");
  });

  it("rejects an unknown framework", async () => {
    const e = await scan("hardened", "pci-dss").catch((x: unknown) => x);
    expect(isBulwarkError(e) && e.code).toBe("USAGE");
  });
});
