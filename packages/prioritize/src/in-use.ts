import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { dirname, posix } from "node:path";

/** A package as the inventory records it: identity plus where its metadata lives. */
export interface OwnedPackage {
  type: string;
  name: string;
  purl: string;
  locations: Array<{ path: string }>;
}

/**
 * Files a process has mapped (`/proc/PID/maps`), executes (`exe`) or holds open (`fd/*`),
 * as paths inside its root. Unreadable entries (the process exited, no permission) are skipped.
 */
export function observedFiles(pid: number, procRoot = "/proc"): Set<string> {
  const files = new Set<string>();
  const base = `${procRoot}/${pid}`;
  try {
    for (const line of readFileSync(`${base}/maps`, "utf8").split("\n")) {
      const path = line.split(/\s+/).slice(5).join(" ");
      if (path.startsWith("/")) files.add(path.replace(/ \(deleted\)$/, ""));
    }
  } catch {
    /* gone or forbidden */
  }
  try {
    files.add(readlinkSync(`${base}/exe`));
  } catch {
    /* kernel thread or forbidden */
  }
  try {
    for (const fd of readdirSync(`${base}/fd`)) {
      try {
        const target = readlinkSync(`${base}/fd/${fd}`);
        if (target.startsWith("/")) files.add(target);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    /* forbidden */
  }
  return files;
}

/** Python import names a distribution provides: its normalised name, the usual case. */
function pythonRoots(pkg: OwnedPackage): string[] {
  const meta = pkg.locations.find((l) => /\.(dist|egg)-info\//.test(l.path))?.path;
  if (!meta) return [];
  const site = dirname(dirname(meta));
  const mod = pkg.name.toLowerCase().replace(/[-.]+/g, "_");
  return [
    posix.join(site, mod) + "/",
    posix.join(site, `${mod}.py`),
    posix.join(site, `${mod}.`),
    dirname(meta) + "/",
  ];
}

/**
 * Packages that own at least one observed file. `ownership` (file → purl, from dpkg `.list`
 * files or a Python RECORD) is exact; without it Python packages are matched by their import
 * directory next to their dist-info, which covers the common one-module-per-distribution layout.
 */
export function packagesInUse(
  files: Iterable<string>,
  packages: readonly OwnedPackage[],
  ownership?: ReadonlyMap<string, string>,
): Set<string> {
  const used = new Set<string>();
  const list = [...files];
  if (ownership)
    for (const f of list) {
      const owner = ownership.get(f);
      if (owner) used.add(owner);
    }
  for (const pkg of packages) {
    if (pkg.type !== "pypi") continue;
    const roots = pythonRoots(pkg);
    if (roots.some((r) => list.some((f) => f === r || f.startsWith(r)))) used.add(pkg.purl);
  }
  return used;
}

/**
 * The packages whose use loaded files can decide: Python packages with a dist-info/egg-info
 * location (their import directory is known) and packages `ownership` lists files of. For
 * any other package (a Go binary, an npm module, a deb whose file list is missing) the files
 * say nothing, so it must stay "unknown" rather than "never loaded".
 */
export function judgeablePackages(
  packages: readonly OwnedPackage[],
  ownership?: ReadonlyMap<string, string>,
): Set<string> {
  const out = new Set<string>(ownership?.values() ?? []);
  for (const pkg of packages) if (pkg.type === "pypi" && pythonRoots(pkg).length) out.add(pkg.purl);
  return out;
}

/**
 * File → package purl from dpkg's `info/<name>[:arch].list` files under `root`, for the given
 * deb packages (the inventory's, so the purls match its findings). Missing lists are skipped.
 */
export function dpkgOwnership(packages: readonly OwnedPackage[], root = "/"): Map<string, string> {
  const owner = new Map<string, string>();
  const info = posix.join(root, "var/lib/dpkg/info");
  let names: string[];
  try {
    names = readdirSync(info).filter((n) => n.endsWith(".list"));
  } catch {
    return owner;
  }
  const byName = new Map(packages.filter((p) => p.type === "deb").map((p) => [p.name, p.purl]));
  for (const file of names) {
    const purl = byName.get(file.replace(/(:[a-z0-9]+)?\.list$/, ""));
    if (!purl) continue;
    for (const line of readFileSync(posix.join(info, file), "utf8").split("\n"))
      if (line.startsWith("/")) owner.set(line, purl);
  }
  return owner;
}
