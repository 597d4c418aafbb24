/**
 * Inventory-side handling of lockfile packages: notes become issues, `--skip-dev`
 * drops dev/test dependencies, and a package seen both installed and in a lockfile (or
 * in several lockfiles) becomes one package with every location.
 */
import type { Inventory, Package, AnalyzerOutput } from "@bulwark/model";
import { includeKey } from "./includes.js";

export interface LockfileOptions {
  /** Leave out packages that only lockfiles mark as dev/test dependencies. */
  skipDev?: boolean;
}

/** Notes of the lockfiles that survive in the final filesystem, as inventory issues. */
export function lockfileIssues(
  survivors: Array<{ output: AnalyzerOutput }>,
  followed: Set<string> = new Set(),
): Inventory["issues"] {
  const out: Inventory["issues"] = [];
  for (const s of survivors)
    for (const f of s.output.lockfileNotes ?? [])
      if (!(f.target !== undefined && followed.has(includeKey(f.path, f.target))))
        out.push({ path: f.path, code: f.code, message: f.message });
  return out;
}

function identity(p: Package): string {
  return `${p.type}\u0000${p.namespace ?? ""}\u0000${p.name}\u0000${p.version}`;
}

const fromLockfile = (p: Package) => p.metadata?.lockfile !== undefined;

/** One package per identity when a lockfile is involved; an installed copy keeps its own fields. */
export function mergeLockfilePackages(packages: Package[], opts: LockfileOptions = {}): Package[] {
  const kept = opts.skipDev
    ? packages.filter((p) => !(fromLockfile(p) && p.metadata?.dev === true))
    : packages;
  const groups = new Map<string, Package[]>();
  for (const p of kept) {
    const key = identity(p);
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const out: Package[] = [];
  for (const g of groups.values()) {
    if (g.length === 1 || !g.some(fromLockfile)) {
      out.push(...g);
      continue;
    }
    const installed = g.filter((p) => !fromLockfile(p));
    const base = installed[0] ?? g[0]!;
    const others = installed.length > 1 ? installed.slice(1) : [];
    out.push(...others);
    const locks = g.filter(fromLockfile);
    const merged: Package = {
      ...base,
      locations: [...base.locations, ...locks.filter((l) => l !== base).flatMap((l) => l.locations)],
    };
    // Dev only when every lockfile that lists it says dev and it is not installed.
    if (!installed.length && locks.some((l) => l.metadata?.dev !== true) && merged.metadata) {
      const { dev: _dev, ...rest } = merged.metadata;
      merged.metadata = rest;
    }
    out.push(merged);
  }
  return out;
}
