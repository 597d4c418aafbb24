import cvssCalculator from "ae-cvss-calculator";
import { severityRank, parseSeverity, type Severity } from "@bulwark/model";
import type { OsvAffected, OsvRecord, OsvSeverity } from "@bulwark/vulndb";

export interface CvssScore {
  version: string;
  vector: string;
  score: number;
}

/** The CVSS v3/v4 qualitative scale (FIRST): 0.1–3.9 LOW, 4–6.9 MEDIUM, 7–8.9 HIGH, 9+ CRITICAL. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return "CRITICAL";
  if (score >= 7) return "HIGH";
  if (score >= 4) return "MEDIUM";
  if (score > 0) return "LOW";
  // 0.0 is "None" in CVSS: no impact; the closest of our levels.
  return "LOW";
}

/** Scores a CVSS v3.0/v3.1/v4.0 vector with ae-cvss-calculator; undefined when it is not one. */
export function scoreVector(vector: string): CvssScore | undefined {
  const v = vector.trim();
  try {
    if (v.startsWith("CVSS:3.1/"))
      return score("3.1", v, new cvssCalculator.Cvss3P1(v).calculateScores().overall);
    if (v.startsWith("CVSS:3.0/"))
      return score("3.0", v, new cvssCalculator.Cvss3P0(v).calculateScores().overall);
    if (v.startsWith("CVSS:4.0/"))
      return score("4.0", v, new cvssCalculator.Cvss4P0(v).calculateScores().overall);
  } catch {
    // A malformed vector is treated as absent: the next source of severity decides.
  }
  return undefined;
}

function score(version: string, vector: string, overall: number): CvssScore | undefined {
  return Number.isFinite(overall) ? { version, vector, score: overall } : undefined;
}

/** GitHub/npm style labels: MODERATE is MEDIUM. Debian urgencies and Ubuntu priorities too. */
export function severityFromLabel(label: unknown): Severity | undefined {
  if (typeof label !== "string") return undefined;
  const l = label.trim().toLowerCase();
  if (l === "moderate") return "MEDIUM";
  // Debian's "unimportant" and Ubuntu's "negligible": the distro judged the impact minimal.
  if (l === "unimportant" || l === "negligible") return "LOW";
  const sev = parseSeverity(l);
  return sev === "UNKNOWN" ? undefined : sev;
}

function maxSeverity(list: Severity[]): Severity | undefined {
  let best: Severity | undefined;
  for (const s of list) if (!best || severityRank(s) > severityRank(best)) best = s;
  return best;
}

/** Every CVSS v3/v4 vector on the record and on the affected entry, scored. */
export function cvssScores(record: OsvRecord, affected?: OsvAffected): CvssScore[] {
  const entries: OsvSeverity[] = [...(record.severity ?? []), ...(affected?.severity ?? [])];
  const out: CvssScore[] = [];
  for (const e of entries) {
    if (e.type !== "CVSS_V3" && e.type !== "CVSS_V4") continue;
    const s = scoreVector(e.score);
    if (s && !out.some((o) => o.vector === s.vector)) out.push(s);
  }
  return out;
}

function labelsOf(record: OsvRecord, affected?: OsvAffected): Severity[] {
  const labels: unknown[] = [
    record.database_specific?.severity,
    affected?.database_specific?.severity,
    affected?.ecosystem_specific?.severity,
    // Debian's security tracker urgency, as Debian's OSV export carries it.
    affected?.ecosystem_specific?.urgency,
    affected?.database_specific?.urgency,
    // Ubuntu publishes its priority as a severity entry of type "Ubuntu".
    ...[...(record.severity ?? []), ...(affected?.severity ?? [])]
      .filter((s) => s.type === "Ubuntu")
      .map((s) => s.score),
  ];
  return labels.map(severityFromLabel).filter((s): s is Severity => s !== undefined);
}

/**
 * Severity of an advisory for one affected package: the highest CVSS v3/v4 score
 * when vectors exist, else the highest label the data gives, else UNKNOWN. Never guessed.
 */
export function recordSeverity(record: OsvRecord, affected?: OsvAffected): Severity {
  const scores = cvssScores(record, affected);
  if (scores.length) return severityFromScore(Math.max(...scores.map((s) => s.score)));
  return maxSeverity(labelsOf(record, affected)) ?? "UNKNOWN";
}
