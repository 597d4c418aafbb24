import type { MisconfigFinding, SecretFinding, VulnerabilityFinding } from "../../../../model/src/finding.js";

/** Findings as the scanners produce them, for suppression and report tests. */
export function vulnFinding(over: Partial<VulnerabilityFinding> = {}): VulnerabilityFinding {
  return {
    kind: "vulnerability",
    id: "CVE-2019-10744",
    aliases: ["GHSA-jf85-cpcp-j695"],
    severity: "CRITICAL",
    title: "Prototype pollution in lodash",
    package: { name: "lodash", version: "4.17.4", purl: "pkg:npm/lodash@4.17.4", ecosystem: "npm" },
    fixedVersion: "4.17.12",
    status: "fixed",
    kev: false,
    cvss: [{ version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8 }],
    location: { path: "/app/node_modules/lodash/package.json", layer: "sha256:aaaa" },
    references: ["https://nvd.nist.gov/vuln/detail/CVE-2019-10744"],
    ...over,
  };
}

export function misconfigFinding(over: Partial<MisconfigFinding> = {}): MisconfigFinding {
  return {
    kind: "misconfiguration",
    id: "BW-K8S-001",
    severity: "HIGH",
    title: "Container runs privileged",
    file: "deploy/app.yaml",
    line: 12,
    resource: { kind: "Deployment", namespace: "prod", name: "web" },
    remediation: "Set securityContext.privileged to false.",
    mappings: { cis: ["5.2.1"] },
    ...over,
  };
}

export function secretFinding(over: Partial<SecretFinding> = {}): SecretFinding {
  return {
    kind: "secret",
    id: "aws-access-key-id",
    severity: "CRITICAL",
    title: "AWS access key id",
    file: "/root/.aws/credentials",
    line: 2,
    layer: "sha256:bbbb",
    match: "AKIA…WXYZ",
    fingerprint: "aws-access-key-id:/root/.aws/credentials:2:abc123",
    ...over,
  };
}
