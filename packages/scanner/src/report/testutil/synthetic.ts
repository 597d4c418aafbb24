import type { Finding, Report } from "../../../../model/src/finding.js";

/**
 * A report with `n` findings spread over n/5 packages, for scale tests and the `scale`
 * benchmark. Synthetic on purpose: no real image here carries a million findings.
 */
export function syntheticReport(n: number): Report {
  const severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] as const;
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const pkg = `pkg-${Math.floor(i / 5)}`;
    findings.push({
      kind: "vulnerability",
      id: `CVE-2024-${String(i).padStart(6, "0")}`,
      aliases: [`GHSA-${i.toString(36)}`],
      severity: severities[i % 5] ?? "UNKNOWN",
      title: `Synthetic vulnerability number ${i} in ${pkg}`,
      package: { name: pkg, version: "1.0.0", purl: `pkg:npm/${pkg}@1.0.0`, ecosystem: "npm" },
      fixedVersion: i % 3 ? "1.0.1" : null,
      kev: i % 97 === 0,
      location: { path: `/app/node_modules/${pkg}/package.json` },
    });
  }
  const bySeverity = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "0.0.0" },
    target: "synthetic",
    generatedAt: "2026-01-01T00:00:00.000Z",
    findings,
    summary: { total: n, bySeverity, suppressed: [] },
    issues: [],
  };
}
