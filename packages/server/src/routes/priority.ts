import {
  funnel,
  notInUseVex,
  prioritize,
  workloadRisk,
  type RiskFinding,
  type RiskScore,
  type RuntimeContext,
} from "@bulwark/prioritize";
import type { Store } from "@bulwark/store";
import { contextForAsset, loadManifestExposure } from "../repo/context.js";
import type { RouteDef } from "./types.js";

const MAX_FINDINGS = 50_000;

/** Open vulnerabilities (of one asset, or all) ranked with each asset's runtime context. */
async function rankOpen(
  store: Store,
  asset: string | undefined,
): Promise<{ ranked: RiskScore[]; contexts: Map<string, RuntimeContext> }> {
  const rows = await store.query<{ key: string; asset: string; data: string; cvss: number | null }>(
    `SELECT key, asset, data, cvss FROM findings WHERE state = 'open' AND kind = 'vulnerability' ${asset ? "AND asset = $2" : ""} ORDER BY severity_rank DESC, key LIMIT $1`,
    asset ? [MAX_FINDINGS, asset] : [MAX_FINDINGS],
  );
  const findings: Array<RiskFinding & { key: string }> = rows.map((r) => ({
    ...(JSON.parse(r.data) as RiskFinding),
    cvss: r.cvss,
    asset: r.asset,
    key: r.key,
  }));
  const contexts = new Map<string, RuntimeContext>();
  const manifests = await loadManifestExposure(store);
  for (const a of new Set(findings.map((f) => f.asset!)))
    contexts.set(a, await contextForAsset(store, a, manifests));
  return { ranked: prioritize(findings, (a) => contexts.get(a ?? "") ?? {}), contexts };
}

export const priorityRoutes: RouteDef[] = [
  {
    method: "GET",
    url: "/api/v1/priorities",
    summary:
      "Open vulnerabilities ranked by risk with the reason for each, the funnel, and per-workload risk",
    access: "read",
    querystring: {
      type: "object",
      properties: {
        asset: { type: "string", maxLength: 512 },
        limit: { type: "integer", minimum: 1, maximum: 1000, default: 50 },
      },
      additionalProperties: false,
    },
    async handler(req, _reply, ctx) {
      const q = req.query as { asset?: string; limit: number };
      const { ranked, contexts } = await rankOpen(ctx.store, q.asset);
      const workloads = [...contexts.keys()].map((asset) => ({
        asset,
        ...workloadRisk(ranked.filter((r) => r.finding.asset === asset)),
      }));
      return {
        funnel: funnel(ranked),
        workloads: workloads.sort((a, b) => b.score - a.score),
        items: ranked.slice(0, q.limit).map((r) => ({
          key: (r.finding as RiskFinding & { key: string }).key,
          asset: r.finding.asset,
          id: r.finding.id,
          package: r.finding.package,
          score: r.score,
          inUse: r.inUse ?? null,
          exposed: r.exposed ?? null,
          reasons: r.reasons,
          why: r.why,
        })),
      };
    },
  },
  {
    method: "GET",
    url: "/api/v1/vex",
    summary:
      "OpenVEX for one image: not_affected (vulnerable_code_not_in_execute_path) for each open vulnerability whose package was never loaded during the observation window",
    access: "read",
    querystring: {
      type: "object",
      required: ["asset"],
      properties: { asset: { type: "string", minLength: 1, maxLength: 512 } },
      additionalProperties: false,
    },
    async handler(req, _reply, ctx) {
      const { asset } = req.query as { asset: string };
      const { ranked, contexts } = await rankOpen(ctx.store, asset);
      return notInUseVex(ranked, contexts.get(asset) ?? {}, asset, "bulwark-server");
    },
  },
];
