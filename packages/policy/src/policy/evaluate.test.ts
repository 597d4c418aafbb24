import { describe, expect, it } from "vitest";
import type { VulnerabilityFinding } from "../deps.js";
import { evaluate } from "./evaluate.js";
import type { ImageFacts } from "./facts.js";
import { parsePolicies } from "./load.js";

// The two rules judged on facts alone: when a fix was published, whether an SBOM attestation
// was found. The facts are what the matcher and the attestation check produce (their own
// tests run them on real data); here only the rule's arithmetic and wording are checked.
const now = new Date("2026-12-04T00:00:00Z");

function set(spec: string) {
  const text = `apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: p }\nspec:\n${spec}`;
  return { policies: parsePolicies(text, "p.yaml", "."), version: "t" };
}

function vuln(
  id: string,
  fixPublished: string | undefined,
  fixedVersion: string | null = "2",
): VulnerabilityFinding {
  return {
    kind: "vulnerability",
    id,
    aliases: [],
    severity: "UNKNOWN",
    package: { name: "libssl3", version: "1", purl: "pkg:deb/debian/libssl3@1", ecosystem: "Debian:12" },
    fixedVersion,
    ...(fixPublished ? { fixPublished } : {}),
    kev: false,
    location: { path: "/var/lib/dpkg/status" },
  };
}

const facts = (findings: VulnerabilityFinding[]): ImageFacts => ({
  target: "r.example/app@sha256:00",
  ref: { registry: "r.example", repository: "app", digest: "sha256:00" },
  digest: "sha256:00",
  diffIds: [],
  findings,
  scanned: true,
});

describe("fixableOlderThanDays", () => {
  const policy = set("  vulnerabilities: { fixableOlderThanDays: 30 }\n");
  it("denies a fix published more than N days ago, not one within N days, not an undated or unfixed one", () => {
    const d = evaluate(
      policy,
      facts([
        vuln("DSA-1", "2026-11-03T00:00:00.000Z"), // 31 days
        vuln("DSA-2", "2026-11-05T00:00:00.000Z"), // 29 days
        vuln("DSA-3", undefined),
        vuln("CVE-4", "2020-01-01T00:00:00.000Z", null),
      ]),
      { now },
    );
    expect(d.verdict).toBe("deny");
    expect(d.reasons).toEqual([
      {
        policy: "p",
        rule: "vulnerabilities.fixableOlderThanDays",
        message: "a fix has been available for more than 30 days: DSA-1 (libssl3)",
      },
    ]);
  });
  it("allows when every fix is recent", () => {
    expect(evaluate(policy, facts([vuln("DSA-2", "2026-11-05T00:00:00.000Z")]), { now }).verdict).toBe(
      "allow",
    );
  });
});

describe("requireSbomAttestation", () => {
  const policy = set("  requireSbomAttestation: true\n");
  it("denies without a found attestation, naming why; allows with one", () => {
    const missing = evaluate(policy, facts([]), {
      now,
      signatures: new Map([["p#sbom", { ok: false, detail: "no SBOM attestation found" }]]),
    });
    expect(missing.reasons).toEqual([
      {
        policy: "p",
        rule: "requireSbomAttestation",
        message: "no SBOM attestation (no SBOM attestation found)",
      },
    ]);
    expect(evaluate(policy, facts([]), { now }).reasons[0]?.message).toBe(
      "no SBOM attestation (not checked)",
    );
    const found = evaluate(policy, facts([]), {
      now,
      signatures: new Map([
        ["p#sbom", { ok: true, detail: "https://spdx.dev/Document attestation (cosign-tag)" }],
      ]),
    });
    expect(found.verdict).toBe("allow");
  });
  it("is a schema error when not a boolean", () => {
    expect(() => set("  requireSbomAttestation: yes please\n")).toThrow(/requireSbomAttestation/);
  });
});
