import type { Inventory, Report } from "../deps.js";
import { ingestScan, type ScanUpload } from "../repo/ingest.js";
import { inventoryUpload } from "../schemas.js";
import type { RouteDef } from "./types.js";

interface InventoryUpload {
  reportId?: string;
  target: string;
  inventory: NonNullable<ScanUpload["inventory"]>;
}

/**
 * An inventory arrives as a scan with no scanners: it stores the image and inventory and
 * marks nothing fixed; the server's own match then adds the vulnerability findings.
 */
function asScan(body: InventoryUpload): ScanUpload {
  const report: Report = {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "sbom" },
    target: body.target,
    generatedAt: new Date().toISOString(),
    findings: [],
    summary: {
      total: 0,
      bySeverity: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
      suppressed: [],
      scanners: [],
    },
    issues: [],
  } as Report;
  return {
    ...(body.reportId ? { reportId: body.reportId } : {}),
    report,
    inventory: { ...body.inventory, target: body.target } as Pick<
      Inventory,
      "packages" | "os" | "layers" | "image" | "target"
    >,
  };
}

export const inventoryRoutes: RouteDef[] = [
  {
    method: "POST",
    url: "/api/v1/inventories",
    summary:
      "Ingest an inventory (SBOM) and match it against the server's advisory database; re-sending it changes nothing",
    access: "ingest",
    body: inventoryUpload,
    status: 201,
    async handler(req, reply, ctx, principal) {
      const body = req.body as InventoryUpload;
      const stored = await ingestScan(
        ctx.store,
        asScan(body),
        principal?.actor ?? "unknown",
        Date.now(),
        "sbom",
      );
      const matched = await ctx.matchInventory?.(stored.asset, `${stored.scanId}:match`);
      reply.code(stored.duplicate ? 200 : 201);
      return {
        scanId: stored.scanId,
        asset: stored.asset,
        duplicate: stored.duplicate,
        packages: body.inventory.packages.length,
        matched: matched
          ? {
              dbVersion: matched.dbVersion,
              new: matched.new,
              fixed: matched.fixed,
              reopened: matched.reopened,
            }
          : null,
      };
    },
  },
];
