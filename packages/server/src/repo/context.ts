/**
 * The runtime context of one asset for prioritisation, from its stored evidence joined with
 * its stored inventory (`contextFromRecords` of @bulwark/prioritize, which the CLI's
 * `prioritize --observe` uses too): packages in use, listening ports, exposure, privilege —
 * and the exposure its image has in the Kubernetes manifests scans uploaded.
 */
import {
  contextFromRecords,
  exposureOfImage,
  mergeExposure,
  type ManifestExposure,
  type OwnedPackage,
  type RuntimeContext,
} from "@bulwark/prioritize";
import type { Store } from "@bulwark/store";
import { listEvidence } from "./runtime.js";

const EVIDENCE_LIMIT = 200;
/**
 * Bounds on what one ranking reads of the manifest scans (each upload holds at most 10,000
 * workloads of short strings, schemas.ts): the newest targets first, so memory stays bounded
 * however many trees were ever scanned.
 */
const MANIFEST_SOURCES = 200;
const MANIFEST_WORKLOADS = 100_000;

/** The workloads of the most recent manifest scans; read once per ranking. */
export async function loadManifestExposure(store: Store): Promise<ManifestExposure[]> {
  const rows = await store.query<{ items: string }>(
    "SELECT items FROM manifest_exposure ORDER BY received_at DESC, source LIMIT $1",
    [MANIFEST_SOURCES],
  );
  const out: ManifestExposure[] = [];
  for (const r of rows) {
    if (out.length >= MANIFEST_WORKLOADS) break;
    out.push(...(JSON.parse(r.items) as ManifestExposure[]));
  }
  return out;
}

/** The image's exposure in those manifests, matched by its references and digests. */
async function manifestExposureOf(
  store: Store,
  asset: string,
  manifests: readonly ManifestExposure[],
): Promise<RuntimeContext["exposure"]> {
  if (manifests.length === 0) return undefined;
  const [image] = await store.query<{ refs: string; digest: string | null }>(
    "SELECT refs, digest FROM images WHERE asset = $1",
    [asset],
  );
  if (!image) return undefined;
  const refs = JSON.parse(image.refs) as string[];
  // repoDigests ("name@sha256:…") name the manifest digest a pinned workload uses.
  const digests = [image.digest, asset, ...refs.map((r) => r.split("@")[1])].filter(
    (d): d is string => d?.startsWith("sha256:") === true,
  );
  return exposureOfImage(manifests, { refs, digests });
}

async function inventoryPackages(store: Store, asset: string): Promise<OwnedPackage[]> {
  const [row] = await store.query<{ packages: string }>("SELECT packages FROM inventories WHERE asset = $1", [
    asset,
  ]);
  if (!row) return [];
  const inv = JSON.parse(row.packages) as { packages?: OwnedPackage[] };
  return (inv.packages ?? []).map((p) => ({ ...p, locations: p.locations ?? [] }));
}

export async function contextForAsset(
  store: Store,
  asset: string,
  manifests: readonly ManifestExposure[] = [],
): Promise<RuntimeContext> {
  const items = await listEvidence(store, asset, EVIDENCE_LIMIT);
  const records = items.map((e) => ({
    kind: e.kind,
    from: e.observed_from,
    to: e.observed_to,
    data: e.data,
  }));
  // The inventory is read only when there are files to join with it.
  const packages = records.some((r) => r.kind === "loaded_files")
    ? await inventoryPackages(store, asset)
    : [];
  const context = contextFromRecords(records, packages);
  const exposure = mergeExposure(context.exposure, await manifestExposureOf(store, asset, manifests));
  if (exposure) context.exposure = exposure;
  return context;
}
