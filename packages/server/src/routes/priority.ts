import { funnel, prioritize, workloadRisk, type RiskFinding, type RuntimeContext } from "@bulwark/prioritize";
import type { Store } from "@bulwark/store";
import { listEvidence } from "../repo/runtime.js";
import type { RouteDef } from "./types.js";

const MAX_FINDINGS = 50_000;

/** The latest evidence of each kind for one asset, as the prioritisation context. */
export async function contextForAsset(store: Store, asset: string): Promise<RuntimeContext> {
  const ctx: RuntimeContext = {};
  const items = await listEvidence(store, asset, 100);
  for (const e of items) {
    const d = e.data as Record<string, unknown>;
    const window = {
      from: new Date(e.observed_from).toISOString(),
      to: new Date(e.observed_to).toISOString(),
    };
    if (e.kind === "packages_in_use" && !ctx.inUse && Array.isArray(d.packages)) {
      const source = typeof d.source === "string" ? d.source : "runtime sensor";
      ctx.inUse = {
        packages: new Set(d.packages.filter((p): p is string => typeof p === "string")),
        window,
        source,
      };
    } else if (e.kind === "exposure" && !ctx.exposure) ctx.exposure = d as RuntimeContext["exposure"];
    else if (e.kind === "listening_ports" && !ctx.exposure && Array.isArray(d.ports))
      ctx.exposure = { listeningPorts: d.ports as number[] };
    else if (e.kind === "privilege" && !ctx.privilege) ctx.privilege = d as RuntimeContext["privilege"];
  }
  return ctx;
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
      const rows = await ctx.store.query<{ key: string; asset: string; data: string; cvss: number | null }>(
        `SELECT key, asset, data, cvss FROM findings WHERE state = 'open' AND kind = 'vulnerability' ${q.asset ? "AND asset = $2" : ""} ORDER BY severity_rank DESC, key LIMIT $1`,
        q.asset ? [MAX_FINDINGS, q.asset] : [MAX_FINDINGS],
      );
      const findings: Array<RiskFinding & { key: string }> = rows.map((r) => ({
        ...(JSON.parse(r.data) as RiskFinding),
        cvss: r.cvss,
        asset: r.asset,
        key: r.key,
      }));
      const contexts = new Map<string, RuntimeContext>();
      for (const asset of new Set(findings.map((f) => f.asset!)))
        contexts.set(asset, await contextForAsset(ctx.store, asset));
      const ranked = prioritize(findings, (a) => contexts.get(a ?? "") ?? {});
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
];
