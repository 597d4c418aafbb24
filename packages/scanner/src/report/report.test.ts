import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import AjvDraft04 from "ajv-draft-04";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../../model/src/summary.js";
import { misconfigFinding, secretFinding, vulnFinding } from "../findings/testutil/findings.js";
import type { Report } from "../../../model/src/finding.js";
import { parseReportFormat } from "./index.js";
import { renderReport } from "./testutil/whole.js";

const require = createRequire(import.meta.url);

function sampleReport(): Report {
  return buildReport({
    target: "docker-archive:/tmp/app.tar",
    version: "0.1.0",
    findings: [
      vulnFinding(),
      vulnFinding({
        id: "CVE-2020-8203",
        aliases: [],
        severity: "HIGH",
        fixedVersion: "4.17.19",
        kev: true,
        cvss: undefined,
        title: "Prototype pollution in zipObjectDeep",
      }),
      vulnFinding({
        id: "CVE-2024-0001",
        aliases: ["DEBIAN-CVE-2024-0001"],
        severity: "LOW",
        package: {
          name: "openssl",
          version: "3.0.11-1~deb12u2",
          purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12",
          ecosystem: "Debian:12",
        },
        fixedVersion: null,
        status: "will_not_fix",
        location: { path: "/var/lib/dpkg/status" },
        cvss: undefined,
        references: undefined,
      }),
      misconfigFinding(),
      secretFinding({ removedIn: "sha256:cccc" }),
    ],
    suppressed: [
      { finding: vulnFinding({ id: "CVE-2018-16487" }), by: "ignore-file", reason: "not reachable" },
    ],
    warnings: ["the vulnerability database is 9 days old"],
  });
}

describe("JSON report", () => {
  it("is the Report with the documented finding fields", () => {
    const parsed = JSON.parse(renderReport(sampleReport(), "json")) as Report;
    const v = parsed.findings[0]!;
    expect(v).toMatchObject({
      kind: "vulnerability",
      id: "CVE-2019-10744",
      aliases: ["GHSA-jf85-cpcp-j695"],
      severity: "CRITICAL",
      package: { name: "lodash", version: "4.17.4", purl: "pkg:npm/lodash@4.17.4", ecosystem: "npm" },
      fixedVersion: "4.17.12",
      kev: false,
      location: { path: "/app/node_modules/lodash/package.json", layer: "sha256:aaaa" },
    });
    expect(parsed.findings[2]).toMatchObject({ fixedVersion: null });
    expect(parsed.summary.bySeverity).toEqual({ CRITICAL: 2, HIGH: 2, MEDIUM: 0, LOW: 1, UNKNOWN: 0 });
    expect(parsed.summary.suppressed[0]).toMatchObject({ by: "ignore-file", reason: "not reachable" });
  });
});

describe("SARIF report", () => {
  const sarif = JSON.parse(renderReport(sampleReport(), "sarif"));

  it("validates against the SARIF 2.1.0 schema (shipped by @microsoft/jest-sarif)", () => {
    const schema = JSON.parse(
      readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
    );
    // The schema's language-tag pattern is not valid in unicode mode; it is in plain mode.
    const ajv = new AjvDraft04.default({
      allErrors: true,
      strict: false,
      validateFormats: false,
      unicodeRegExp: false,
    });
    const validate = ajv.compile(schema);
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The validator does reject a log missing what the schema requires.
    const broken = structuredClone(sarif);
    delete broken.runs[0].results[0].message;
    expect(validate(broken)).toBe(false);
  });

  it("has what GitHub code scanning requires: rule ids, security-severity, locations", () => {
    const run = sarif.runs[0];
    expect(sarif.version).toBe("2.1.0");
    expect(run.tool.driver.name).toBe("bulwark");
    const rules = run.tool.driver.rules as Array<{
      id: string;
      properties: Record<string, unknown>;
      help: { text: string };
    }>;
    expect(rules.map((r) => r.id)).toEqual([
      "CVE-2019-10744",
      "CVE-2020-8203",
      "CVE-2024-0001",
      "misconfiguration:BW-K8S-001",
      "secret:aws-access-key-id",
    ]);
    expect(rules.map((r) => r.properties["security-severity"])).toEqual(["9.8", "8.0", "2.0", "8.0", "9.5"]);
    for (const r of rules) expect(r.help.text.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(rules[res.ruleIndex]!.id).toBe(res.ruleId);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).not.toMatch(/^\//);
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
    }
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      "app/node_modules/lodash/package.json",
    );
    expect(run.results[3].locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: "deploy/app.yaml" },
      region: { startLine: 12 },
    });
    expect(run.results.map((r: { level: string }) => r.level)).toEqual([
      "error",
      "error",
      "note",
      "error",
      "error",
    ]);
  });
});

describe("CycloneDX report", () => {
  it("is valid CycloneDX 1.6 JSON with the vulnerabilities and affected components", async () => {
    const text = renderReport(sampleReport(), "cyclonedx-json");
    const errors = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);
    expect(errors).toBeNull();
    const bom = JSON.parse(text);
    expect(bom.specVersion).toBe("1.6");
    expect(bom.components.map((c: { purl: string }) => c.purl).sort()).toEqual([
      "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12",
      "pkg:npm/lodash@4.17.4",
    ]);
    const lodash = bom.vulnerabilities.find((v: { id: string }) => v.id === "CVE-2019-10744");
    expect(lodash.affects).toEqual([{ ref: "pkg:npm/lodash@4.17.4" }]);
    expect(lodash.ratings[0]).toMatchObject({ score: 9.8, method: "CVSSv31", severity: "critical" });
    expect(lodash.references[0].id).toBe("GHSA-jf85-cpcp-j695");
    const kev = bom.vulnerabilities.find((v: { id: string }) => v.id === "CVE-2020-8203");
    expect(kev.properties).toContainEqual({ name: "bulwark:kev", value: "true" });
  });
});

describe("table report", () => {
  const text = renderReport(sampleReport(), "table");

  it("groups per package with installed → fixed version and marks KEV", () => {
    expect(text).toContain("lodash 4.17.4 → 4.17.19  [npm] /app/node_modules/lodash/package.json");
    expect(text).toMatch(/HIGH\s+CVE-2020-8203\s+→ 4\.17\.19\s+KEV /);
    expect(text).toContain("openssl 3.0.11-1~deb12u2 → (no fix)  [Debian:12] /var/lib/dpkg/status");
    expect(text).toMatch(/LOW\s+CVE-2024-0001\s+→ will_not_fix/);
  });

  it("says how many findings have a fix, and prints the other kinds and suppressions", () => {
    expect(text).toContain("2 of 3 findings have a fix; 1 known exploited (KEV)");
    expect(text).toContain("deploy/app.yaml:12 Deployment/prod/web");
    expect(text).toContain("/root/.aws/credentials:2 layer sha256:bbbb");
    expect(text).toContain("still shipped");
    expect(text).toContain("CVE-2018-16487 (ignore-file): not reachable");
    expect(text).toContain("Warning: the vulnerability database is 9 days old");
  });

  it("keeps a long rule id apart from the file it was found in", () => {
    const r = sampleReport();
    r.findings.push(secretFinding({ id: "kubernetes-configmap-credential", file: "cm.yaml" }));
    expect(renderReport(r, "table")).toMatch(/kubernetes-configmap-credential +cm\.yaml:/);
  });

  it("prints a compliance summary when the misconfiguration scanner gives one", () => {
    const r = sampleReport();
    r.summary.compliance = {
      name: "cis-docker",
      controls: [{ id: "4.1", title: "Create a user", status: "fail" }],
    };
    expect(renderReport(r, "table")).toMatch(/Compliance: cis-docker[\s\S]*FAIL\s+4\.1\s+Create a user/);
    r.summary.compliance = {
      framework: "cis-docker",
      title: "CIS Docker Benchmark",
      controls: [
        { id: "4.1", title: "Create a user", status: "fail", checks: ["BW-DF-001"], failed: ["BW-DF-001"] },
      ],
      totals: { pass: 0, fail: 1, notApplicable: 0 },
    };
    expect(renderReport(r, "table")).toMatch(
      /CIS Docker Benchmark: 0 pass, 1 fail[\s\S]*4\.1\s+FAIL\s+Create a user/,
    );
  });
});

describe("formats", () => {
  it("rejects unknown formats with a usage error", () => {
    expect(() => parseReportFormat("xml")).toThrow(/unknown --format "xml"/);
    expect(parseReportFormat("sarif")).toBe("sarif");
  });
});
