import type { Finding, Severity } from "@bulwark/model";

/** Where a finding is: image path of the package, or the file and line. */
export function findingPath(f: Finding): string {
  return f.kind === "vulnerability" ? f.location.path : f.file;
}

export function findingLine(f: Finding): number | undefined {
  return f.kind === "vulnerability" || f.kind === "malware" ? undefined : f.line;
}

/** Highest CVSS score of a vulnerability finding, when it carries any. */
export function bestScore(f: Finding): number | undefined {
  if (f.kind !== "vulnerability" || !f.cvss?.length) return undefined;
  return f.cvss.reduce((best, c) => Math.max(best, c.score), -Infinity);
}

/**
 * A number for GitHub's `security-severity` when no CVSS score exists: the middle
 * of the band GitHub maps back to the same level (9.0+ critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low).
 */
export const SEVERITY_SCORE: Record<Severity, number> = {
  CRITICAL: 9.5,
  HIGH: 8.0,
  MEDIUM: 5.5,
  LOW: 2.0,
  UNKNOWN: 0.0,
};

export function findingTitle(f: Finding): string {
  if (f.kind === "vulnerability") return f.title ?? `${f.id} in ${f.package.name}`;
  return f.title;
}
