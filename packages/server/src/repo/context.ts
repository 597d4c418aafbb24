/**
 * The runtime context of one asset for prioritisation, from its stored evidence: packages in
 * use (sent as purls, or as loaded files joined here with the image's inventory), listening
 * ports, exposure, privilege.
 */
import { packagesInUse, type OwnedPackage, type RuntimeContext } from "@bulwark/prioritize";
import type { Store } from "@bulwark/store";
import { listEvidence } from "./runtime.js";

const EVIDENCE_LIMIT = 200;

interface Window {
  from: number;
  to: number;
}

function widen(w: Window | undefined, from: number, to: number): Window {
  return w ? { from: Math.min(w.from, from), to: Math.max(w.to, to) } : { from, to };
}

async function inventoryPackages(store: Store, asset: string): Promise<OwnedPackage[]> {
  const [row] = await store.query<{ packages: string }>("SELECT packages FROM inventories WHERE asset = $1", [
    asset,
  ]);
  if (!row) return [];
  const inv = JSON.parse(row.packages) as { packages?: OwnedPackage[] };
  return (inv.packages ?? []).map((p) => ({ ...p, locations: p.locations ?? [] }));
}

export async function contextForAsset(store: Store, asset: string): Promise<RuntimeContext> {
  const ctx: RuntimeContext = {};
  const items = await listEvidence(store, asset, EVIDENCE_LIMIT);
  const used = new Set<string>();
  const files = new Set<string>();
  const sources = new Set<string>();
  let window: Window | undefined;
  const ports = new Set<number>();
  for (const e of items) {
    const d = e.data as Record<string, unknown>;
    const source = typeof d.source === "string" ? d.source : "runtime sensor";
    if (e.kind === "packages_in_use" && Array.isArray(d.packages)) {
      for (const p of d.packages) if (typeof p === "string") used.add(p);
      window = widen(window, e.observed_from, e.observed_to);
      sources.add(source);
    } else if (e.kind === "loaded_files" && Array.isArray(d.files)) {
      // Every snapshot counts: a process that loaded a package and exited still used it.
      for (const f of d.files) if (typeof f === "string") files.add(f);
      window = widen(window, e.observed_from, e.observed_to);
      sources.add(source);
    } else if (e.kind === "exposure") {
      ctx.exposure ??= d as RuntimeContext["exposure"];
    } else if (e.kind === "listening_ports" && Array.isArray(d.ports)) {
      for (const p of d.ports) if (typeof p === "number") ports.add(p);
    } else if (e.kind === "privilege") {
      ctx.privilege ??= d as RuntimeContext["privilege"];
    }
  }
  if (files.size) for (const p of packagesInUse(files, await inventoryPackages(store, asset))) used.add(p);
  if (window)
    ctx.inUse = {
      packages: used,
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      source: [...sources].sort().join("; "),
    };
  if (!ctx.exposure && items.some((e) => e.kind === "listening_ports"))
    ctx.exposure = { listeningPorts: [...ports].sort((a, b) => a - b) };
  return ctx;
}
