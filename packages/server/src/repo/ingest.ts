import { createHash } from "node:crypto";
import type { ManifestExposure } from "@bulwark/prioritize";
import type { Store } from "@bulwark/store";
import type { Finding, Inventory, Report } from "../deps.js";
import { SCANNER_KINDS } from "./finding-key.js";
import { applyFindings, type ApplyResult } from "./findings-apply.js";

/** What `bulwark scan … --server` sends: the report, and the inventory when the target had one. */
export interface ScanUpload {
  /** Chosen by the client once per scan, so a retried upload is recognised; else the body's hash. */
  reportId?: string;
  report: Report;
  inventory?: Pick<Inventory, "packages" | "os" | "layers" | "image" | "target">;
  /** Workloads' exposure in the Kubernetes manifests of a scanned tree (absent: not looked for). */
  exposure?: ManifestExposure[];
}

export interface IngestResult extends ApplyResult {
  scanId: string;
  asset: string;
  duplicate: boolean;
}

/** The asset a scan is about: the image digest when known, else the target as named. */
export function assetOf(upload: ScanUpload): string {
  const img = upload.inventory?.image;
  const digest = img?.digest ?? img?.configDigest;
  return digest ? digest : `target:${upload.report.target}`;
}

export function scanIdOf(upload: ScanUpload): string {
  if (upload.reportId) return upload.reportId;
  return `sha256:${createHash("sha256").update(JSON.stringify(upload)).digest("hex")}`;
}

/**
 * Stores one scan in one transaction: the image and its inventory, the scan, and the
 * findings' history. A scan id already stored is a no-op (idempotent re-sends).
 */
export async function ingestScan(
  store: Store,
  upload: ScanUpload,
  actor: string,
  now = Date.now(),
  source: "upload" | "sbom" = "upload",
): Promise<IngestResult> {
  const scanId = scanIdOf(upload);
  const asset = assetOf(upload);
  return store.transaction(async (tx) => {
    const inserted = await tx.exec(
      `INSERT INTO scans (id, asset, target, source, scanners, generated_at, received_at, actor, finding_count, summary)
       VALUES ($1, $2, $3, $10, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [
        scanId,
        asset,
        upload.report.target,
        JSON.stringify(scannersOf(upload.report)),
        upload.report.generatedAt,
        now,
        actor,
        upload.report.findings.length,
        JSON.stringify(upload.report.summary),
        source,
      ],
    );
    if (inserted.changes === 0)
      return { scanId, asset, duplicate: true, new: 0, reopened: 0, fixed: 0, unchanged: 0 };
    await upsertImage(tx, asset, upload, now);
    if (upload.exposure)
      await tx.exec(
        `INSERT INTO manifest_exposure (source, scan_id, items, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (source) DO UPDATE SET scan_id = excluded.scan_id, items = excluded.items, received_at = excluded.received_at`,
        [asset, scanId, JSON.stringify(upload.exposure), now],
      );
    const applied = await applyFindings(tx, {
      scanId,
      asset,
      complete: completeKinds(upload.report),
      findings: upload.report.findings as Finding[],
      now,
    });
    return { scanId, asset, duplicate: false, ...applied };
  });
}

function scannersOf(report: Report): string[] {
  const s = report.summary.scanners;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === "string") : [];
}

/** Kinds whose absence means "fixed": the scanners that ran, unless --severity/--ignore-unfixed narrowed them. */
function completeKinds(report: Report): Set<string> {
  const filtered = report.summary.filtered as Record<string, number> | undefined;
  const narrowed = filtered && Object.values(filtered).some((n) => n > 0);
  const kinds = new Set<string>();
  for (const s of scannersOf(report)) {
    const kind = SCANNER_KINDS[s];
    if (kind && !narrowed) kinds.add(kind);
  }
  return kinds;
}

/**
 * The image row doubles as the asset's lock: on PostgreSQL the upsert holds its row lock until
 * commit, so two servers ingesting scans of one image take turns.
 */
async function upsertImage(tx: Store, asset: string, upload: ScanUpload, now: number): Promise<void> {
  const inv = upload.inventory;
  const refs = [...(inv?.image?.repoTags ?? []), ...(inv?.image?.repoDigests ?? [])];
  if (!refs.length) refs.push(upload.report.target);
  await tx.exec(
    `INSERT INTO images (asset, digest, refs, os, layers, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (asset) DO UPDATE SET refs = excluded.refs, os = excluded.os, layers = excluded.layers, last_seen = excluded.last_seen`,
    [
      asset,
      inv?.image?.digest ?? null,
      JSON.stringify(refs),
      inv?.os ? JSON.stringify(inv.os) : null,
      JSON.stringify(inv?.layers ?? []),
      now,
    ],
  );
  if (!inv?.packages) return;
  await tx.exec(
    `INSERT INTO inventories (asset, packages, package_count, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (asset) DO UPDATE SET packages = excluded.packages, package_count = excluded.package_count, updated_at = excluded.updated_at`,
    [asset, JSON.stringify({ packages: inv.packages, os: inv.os }), inv.packages.length, now],
  );
}
