import { describe, expect, it } from "vitest";
import { applyVex, parseOpenVex } from "./vex.js";
import { misconfigFinding, vulnFinding } from "./testutil/findings.js";

/** OpenVEX 0.2.0 as vexctl writes it (hand-written: no VEX tool runs here). */
function doc(statements: unknown[]): string {
  return JSON.stringify({
    "@context": "https://openvex.dev/ns/v0.2.0",
    "@id": "https://example.com/vex/1",
    author: "Security Team",
    timestamp: "2026-01-10T10:00:00Z",
    version: 1,
    statements,
  });
}

const v = vulnFinding();

describe("OpenVEX", () => {
  it("suppresses not_affected statements for the product, with the justification", () => {
    const st = parseOpenVex(
      doc([
        {
          vulnerability: { name: "CVE-2019-10744" },
          products: [{ "@id": "pkg:npm/lodash@4.17.4" }],
          status: "not_affected",
          justification: "vulnerable_code_not_in_execute_path",
          impact_statement: "we never call defaultsDeep",
        },
      ]),
      "v.json",
    );
    const r = applyVex([v, misconfigFinding()], st);
    expect(r.kept.map((f) => f.kind)).toEqual(["misconfiguration"]);
    expect(r.suppressed).toEqual([
      {
        finding: v,
        by: "vex",
        reason: "VEX not_affected (vulnerable_code_not_in_execute_path): we never call defaultsDeep",
      },
    ]);
  });

  it("matches aliases, version-less purls and subcomponents of an image product", () => {
    const st = parseOpenVex(
      doc([
        {
          vulnerability: { name: "GHSA-jf85-cpcp-j695" },
          products: [{ "@id": "pkg:oci/app@sha256:1234", subcomponents: [{ "@id": "pkg:npm/lodash" }] }],
          status: "fixed",
        },
      ]),
      "v.json",
    );
    expect(applyVex([v], st).kept).toEqual([]);
  });

  it("keeps affected and under_investigation, and other products", () => {
    const st = parseOpenVex(
      doc([
        {
          vulnerability: { name: "CVE-2019-10744" },
          products: [{ "@id": "pkg:npm/lodash@4.17.4" }],
          status: "affected",
        },
        {
          vulnerability: { name: "CVE-2019-10744" },
          products: [{ "@id": "pkg:npm/lodash@4.17.20" }],
          status: "not_affected",
        },
        {
          vulnerability: { name: "CVE-2020-0001" },
          products: [{ "@id": "pkg:npm/lodash@4.17.4" }],
          status: "not_affected",
        },
      ]),
      "v.json",
    );
    expect(applyVex([v], st).kept).toEqual([v]);
    const investigating = parseOpenVex(
      doc([
        {
          vulnerability: "CVE-2019-10744",
          products: ["pkg:npm/lodash@4.17.4"],
          status: "under_investigation",
        },
      ]),
      "v.json",
    );
    expect(applyVex([v], investigating).kept).toEqual([v]);
  });

  it("lets the latest statement decide", () => {
    const st = parseOpenVex(
      doc([
        {
          vulnerability: { name: "CVE-2019-10744" },
          products: ["pkg:npm/lodash@4.17.4"],
          status: "affected",
          timestamp: "2026-02-01T00:00:00Z",
        },
        {
          vulnerability: { name: "CVE-2019-10744" },
          products: ["pkg:npm/lodash@4.17.4"],
          status: "not_affected",
          justification: "component_not_present",
          timestamp: "2026-01-01T00:00:00Z",
        },
      ]),
      "v.json",
    );
    expect(applyVex([v], st).kept).toEqual([v]);
  });

  it("rejects what is not an OpenVEX document", () => {
    expect(() => parseOpenVex("{", "v.json")).toThrow(/v\.json: not valid JSON/);
    expect(() => parseOpenVex('{"a":1}', "v.json")).toThrow(/not an OpenVEX document/);
  });
});
