import { createHash } from "node:crypto";
import type { RiskScore, RuntimeContext } from "./types.js";

export interface OpenVexDocument {
  "@context": "https://openvex.dev/ns/v0.2.0";
  "@id": string;
  author: string;
  timestamp: string;
  version: 1;
  statements: Array<{
    vulnerability: { name: string };
    products: Array<{ "@id": string; subcomponents?: Array<{ "@id": string }> }>;
    status: "not_affected";
    justification: "vulnerable_code_not_in_execute_path";
    impact_statement: string;
  }>;
}

/**
 * OpenVEX `not_affected` statements for findings whose package was observed and never loaded.
 * Caveat, stated in every statement: it holds for the observation window only; code paths the
 * workload did not take during the window (rare jobs, error handling) are not covered.
 */
export function notInUseVex(
  scores: readonly RiskScore[],
  ctx: RuntimeContext,
  product: string,
  author = "bulwark",
): OpenVexDocument {
  const window = ctx.inUse?.window;
  const statements = scores
    .filter((s) => s.inUse === false && window)
    .map((s) => ({
      vulnerability: { name: s.finding.id },
      products: [
        {
          "@id": product,
          ...(s.finding.package.purl ? { subcomponents: [{ "@id": s.finding.package.purl }] } : {}),
        },
      ],
      status: "not_affected" as const,
      justification: "vulnerable_code_not_in_execute_path" as const,
      impact_statement: `${s.finding.package.name} ${s.finding.package.version} was never loaded by any process of the workload between ${window!.from} and ${window!.to} (evidence: ${ctx.inUse!.source}); valid for that observation window only.`,
    }));
  const id = createHash("sha256").update(JSON.stringify(statements)).digest("hex").slice(0, 16);
  return {
    "@context": "https://openvex.dev/ns/v0.2.0",
    "@id": `https://bulwark.dev/vex/${id}`,
    author,
    timestamp: new Date().toISOString(),
    version: 1,
    statements,
  };
}
