/**
 * The runtime context of one asset for prioritisation, from its stored evidence joined with
 * its stored inventory (`contextFromRecords` of @bulwark/prioritize, which the CLI's
 * `prioritize --observe` uses too): packages in use, listening ports, exposure, privilege.
 */
import { contextFromRecords, type OwnedPackage, type RuntimeContext } from "@bulwark/prioritize";
import type { Store } from "@bulwark/store";
import { listEvidence } from "./runtime.js";

const EVIDENCE_LIMIT = 200;

async function inventoryPackages(store: Store, asset: string): Promise<OwnedPackage[]> {
  const [row] = await store.query<{ packages: string }>("SELECT packages FROM inventories WHERE asset = $1", [
    asset,
  ]);
  if (!row) return [];
  const inv = JSON.parse(row.packages) as { packages?: OwnedPackage[] };
  return (inv.packages ?? []).map((p) => ({ ...p, locations: p.locations ?? [] }));
}

export async function contextForAsset(store: Store, asset: string): Promise<RuntimeContext> {
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
  return contextFromRecords(records, packages);
}
