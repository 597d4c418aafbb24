import { reportTime } from "./clock.js";
import { SEVERITIES, type Finding, type Report, type Severity, type Suppressed } from "./finding.js";

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Rank for comparisons: CRITICAL is 4, UNKNOWN is 0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function parseSeverity(s: string): Severity | undefined {
  const up = s.trim().toUpperCase();
  return (SEVERITIES as readonly string[]).includes(up) ? (up as Severity) : undefined;
}

export function buildReport(args: {
  target: string;
  version: string;
  findings: Finding[];
  suppressed?: Suppressed[];
  issues?: Report["issues"];
  warnings?: string[];
  extraSummary?: Record<string, unknown>;
}): Report {
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: args.version },
    target: args.target,
    generatedAt: reportTime().toISOString(),
    findings: args.findings,
    summary: {
      total: args.findings.length,
      bySeverity: countBySeverity(args.findings),
      suppressed: args.suppressed ?? [],
      ...args.extraSummary,
    },
    issues: args.issues ?? [],
    ...(args.warnings?.length ? { warnings: args.warnings } : {}),
  };
}
