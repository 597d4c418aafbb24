import { ServerError } from "../errors.js";
import { ingestScan, type ScanUpload } from "../repo/ingest.js";
import {
  getFinding,
  getImage,
  listFindings,
  listImages,
  listScans,
  type FindingFilter,
} from "../repo/queries.js";
import {
  ingestAlerts,
  ingestEvidence,
  listAlerts,
  listEvidence,
  type AlertUpload,
  type EvidenceUpload,
} from "../repo/runtime.js";
import {
  alertsUpload,
  assetParams,
  evidenceUpload,
  findingsQuery,
  keyParams,
  pageQuery,
  scanUpload,
} from "../schemas.js";
import type { RouteDef } from "./types.js";

interface Page {
  after?: string;
  asset?: string;
  limit: number;
}

export const dataRoutes: RouteDef[] = [
  {
    method: "POST",
    url: "/api/v1/scans",
    summary: "Ingest a scan report (and its inventory); re-sending the same report changes nothing",
    access: "ingest",
    body: scanUpload,
    status: 201,
    async handler(req, reply, ctx, principal) {
      const result = await ingestScan(ctx.store, req.body as ScanUpload, principal?.actor ?? "unknown");
      reply.code(result.duplicate ? 200 : 201);
      return result;
    },
  },
  {
    method: "GET",
    url: "/api/v1/scans",
    summary: "Scans received, newest first",
    access: "read",
    querystring: pageQuery,
    async handler(req, _reply, ctx) {
      const q = req.query as Page;
      return { items: await listScans(ctx.store, q.limit, q.asset) };
    },
  },
  {
    method: "GET",
    url: "/api/v1/images",
    summary: "Images (assets) with their references and inventory size",
    access: "read",
    querystring: pageQuery,
    async handler(req, _reply, ctx) {
      const q = req.query as Page;
      return { items: await listImages(ctx.store, q.limit, q.after) };
    },
  },
  {
    method: "GET",
    url: "/api/v1/images/:asset",
    summary: "One image: references, layers, inventory, finding counts",
    access: "read",
    params: assetParams,
    async handler(req, _reply, ctx) {
      const image = await getImage(ctx.store, (req.params as { asset: string }).asset);
      if (!image) throw new ServerError("NOT_FOUND", "no such image");
      return image;
    },
  },
  {
    method: "GET",
    url: "/api/v1/findings",
    summary: "Findings with their history fields, filtered, keyset-paginated (`after` = last key)",
    access: "read",
    querystring: findingsQuery,
    async handler(req, reply, ctx) {
      const q = req.query as FindingFilter;
      // Pages are what consoles poll; the data changes only when reports arrive or the database
      // is re-matched. Read before the query: see repo/versions.ts for why that is never stale.
      const version = (req.versions ??= await ctx.versions.read()).findings;
      const key = JSON.stringify(Object.entries(q).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      let body = ctx.findingsPages.get(key, version);
      if (body === undefined) {
        body = JSON.stringify(await listFindings(ctx.store, q));
        ctx.findingsPages.set(key, version, body);
      }
      // Already JSON: sent as it is, not serialised again.
      void reply.type("application/json; charset=utf-8");
      return body;
    },
  },
  {
    method: "GET",
    url: "/api/v1/findings/:key",
    summary: "One finding with its full data and history (first seen, fixed, reopened)",
    access: "read",
    params: keyParams,
    async handler(req, _reply, ctx) {
      const f = await getFinding(ctx.store, (req.params as { key: string }).key);
      if (!f) throw new ServerError("NOT_FOUND", "no such finding");
      return f;
    },
  },
  {
    method: "POST",
    url: "/api/v1/alerts",
    summary: "Ingest runtime alerts (idempotent by id or content)",
    access: "ingest",
    body: alertsUpload,
    async handler(req, _reply, ctx) {
      return ingestAlerts(ctx.store, (req.body as { alerts: AlertUpload[] }).alerts);
    },
  },
  {
    method: "GET",
    url: "/api/v1/alerts",
    summary: "Runtime alerts, newest first",
    access: "read",
    querystring: pageQuery,
    async handler(req, _reply, ctx) {
      return { items: await listAlerts(ctx.store, (req.query as Page).limit) };
    },
  },
  {
    method: "POST",
    url: "/api/v1/evidence",
    summary: "Ingest runtime evidence: packages in use, listening ports, flows, privilege, exposure",
    access: "ingest",
    body: evidenceUpload,
    async handler(req, _reply, ctx) {
      return ingestEvidence(ctx.store, (req.body as { evidence: EvidenceUpload[] }).evidence);
    },
  },
  {
    method: "GET",
    url: "/api/v1/evidence",
    summary: "Runtime evidence, newest first",
    access: "read",
    querystring: pageQuery,
    async handler(req, _reply, ctx) {
      const q = req.query as Page;
      return { items: await listEvidence(ctx.store, q.asset, q.limit) };
    },
  },
  {
    method: "POST",
    url: "/api/v1/admin/rematch",
    summary: "Re-match every stored inventory against the advisory database now",
    access: "admin",
    async handler(_req, _reply, ctx) {
      if (!ctx.rematch)
        throw new ServerError("NOT_FOUND", "this server has no advisory database to match against");
      return (await ctx.rematch()) ?? { unchanged: true };
    },
  },
];
