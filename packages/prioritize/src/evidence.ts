/**
 * Runtime evidence items (what `runtime watch --server` uploads and `prioritize --observe`
 * collects, `EvidenceUpload` of the model) → the runtime context of one image: packages in
 * use (sent as purls, or as loaded files joined here with the image's packages), listening
 * ports and exposure, privilege. One join for the server and the CLI, so both rank alike.
 */
import { judgeablePackages, packagesInUse, type OwnedPackage } from "./in-use.js";
import { mergeExposure } from "./manifests.js";
import type { RuntimeContext } from "./types.js";

/** One evidence item with its window in ms (the store keeps times as numbers). */
export interface EvidenceRecord {
  kind: string;
  from: number;
  to: number;
  data: unknown;
}

type Privilege = NonNullable<RuntimeContext["privilege"]>;

interface Window {
  from: number;
  to: number;
}

function widen(w: Window | undefined, from: number, to: number): Window {
  return w ? { from: Math.min(w.from, from), to: Math.max(w.to, to) } : { from, to };
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/** Any container of the image being root, privileged or holding a mount makes the image so. */
function mergePrivilege(into: Privilege | undefined, d: Record<string, unknown>): Privilege {
  const caps = new Set([...(into?.capabilities ?? []), ...strings(d.capabilities)]);
  const mounts = new Set([...(into?.hostMounts ?? []), ...strings(d.hostMounts)]);
  return {
    root: Boolean(into?.root) || d.root === true,
    privileged: Boolean(into?.privileged) || d.privileged === true,
    capabilities: [...caps].sort(),
    hostMounts: [...mounts].sort(),
  };
}

/**
 * `records` newest first (the first `exposure` item wins over older ones, e.g. from manifests
 * scanned again; the ports and flows a sensor saw add to it; all others accumulate).
 * `ownership` (file → purl, e.g. dpkg's lists) makes the join exact for OS packages.
 */
export function contextFromRecords(
  records: readonly EvidenceRecord[],
  packages: readonly OwnedPackage[],
  ownership?: ReadonlyMap<string, string>,
): RuntimeContext {
  const ctx: RuntimeContext = {};
  const used = new Set<string>();
  const files = new Set<string>();
  const sources = new Set<string>();
  const ports = new Set<number>();
  let window: Window | undefined;
  let sawPorts = false;
  let sawFiles = false;
  let sawPurls = false;
  let northSouth: Set<string> | undefined;
  for (const e of records) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const source = typeof d.source === "string" ? d.source : "runtime sensor";
    if (e.kind === "packages_in_use" && Array.isArray(d.packages)) {
      for (const p of strings(d.packages)) used.add(p);
      sawPurls = true;
      window = widen(window, e.from, e.to);
      sources.add(source);
    } else if (e.kind === "loaded_files" && Array.isArray(d.files)) {
      // Every snapshot counts: a process that loaded a package and exited still used it.
      for (const f of strings(d.files)) files.add(f);
      sawFiles = true;
      window = widen(window, e.from, e.to);
      sources.add(source);
    } else if (e.kind === "exposure") {
      ctx.exposure ??= d as RuntimeContext["exposure"];
    } else if (e.kind === "listening_ports" && Array.isArray(d.ports)) {
      sawPorts = true;
      for (const p of d.ports) if (typeof p === "number") ports.add(p);
    } else if (e.kind === "flows" && Array.isArray(d.northSouth)) {
      // Connections from outside the cluster ("peer>port"); snapshots overlap, so a union.
      northSouth ??= new Set();
      for (const c of strings(d.northSouth)) northSouth.add(c);
    } else if (e.kind === "privilege") {
      ctx.privilege = mergePrivilege(ctx.privilege, d);
    }
  }
  let judged: Set<string> | undefined;
  if (sawFiles) {
    for (const p of packagesInUse(files, packages, ownership)) used.add(p);
    // Files speak only for the packages they can be joined with (a purl list speaks for all).
    if (!sawPurls) judged = new Set([...judgeablePackages(packages, ownership), ...used]);
  }
  if (window)
    ctx.inUse = {
      packages: used,
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      source: [...sources].sort().join("; "),
      ...(judged ? { judged } : {}),
    };
  const observed =
    sawPorts || northSouth !== undefined
      ? {
          ...(sawPorts ? { listeningPorts: [...ports].sort((a, b) => a - b) } : {}),
          ...(northSouth !== undefined ? { northSouthFlows: northSouth.size } : {}),
        }
      : undefined;
  const exposure = mergeExposure(ctx.exposure, observed);
  if (exposure) ctx.exposure = exposure;
  return ctx;
}
