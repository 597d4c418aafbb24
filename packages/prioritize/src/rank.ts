import { scoreFinding } from "./score.js";
import type { Funnel, RiskFinding, RiskScore, RuntimeContext } from "./types.js";

/** Scores every finding with its workload's context and sorts highest risk first. */
export function prioritize(
  findings: readonly RiskFinding[],
  contextFor: (asset: string | undefined) => RuntimeContext = () => ({}),
): RiskScore[] {
  return findings
    .map((f) => scoreFinding(f, contextFor(f.asset)))
    .sort((a, b) => b.score - a.score || a.finding.id.localeCompare(b.finding.id));
}

/**
 * The short list, narrowed step by step: high/critical → of those fixable → of those in use
 * → of those exposed. Each count is a subset of the one before.
 */
export function funnel(scores: readonly RiskScore[]): Funnel {
  const hc = scores.filter((s) => s.finding.severity === "CRITICAL" || s.finding.severity === "HIGH");
  const fixable = hc.filter((s) => s.fixable);
  const inUse = fixable.filter((s) => s.inUse === true);
  const exposed = inUse.filter((s) => s.exposed === true);
  return { highOrCritical: hc.length, fixable: fixable.length, inUse: inUse.length, exposed: exposed.length };
}

/** Risk of a workload: its worst finding, with how many findings share the top tier. */
export function workloadRisk(scores: readonly RiskScore[]): { score: number; why: string } {
  if (!scores.length) return { score: 0, why: "no vulnerabilities" };
  const top = scores.reduce((a, b) => (b.score > a.score ? b : a));
  const near = scores.filter((s) => s.score >= top.score - 10).length;
  return { score: top.score, why: `worst: ${top.why} ${near} finding(s) within 10 points of it.` };
}
