/**
 * npm: installed packages are the package roots under node_modules — project trees,
 * nested node_modules, scoped packages, pnpm's .pnpm store and the global prefixes
 * (/usr/lib/node_modules, /usr/local/lib/node_modules) all share that shape.
 * Workspace members are symlinked into node_modules, and the walker does not follow
 * symlinks: they are reported from npm's hidden lockfile (node_modules/.package-lock.json),
 * whose `link: true` entries point at the member's own folder.
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import {
  dirName,
  isObject,
  isRegularFile,
  MiB,
  newPackage,
  parseError,
  parseJson,
  str,
} from "../common/util.js";

/** …/node_modules/<name>/package.json or …/node_modules/@scope/<name>/package.json */
const PACKAGE_ROOT = /\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const HIDDEN_LOCKFILE = /\/node_modules\/\.package-lock\.json$/;

export function npmLicenses(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const one = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (isObject(v) && typeof v.type === "string") out.push(v.type);
  };
  one(json.license);
  if (Array.isArray(json.licenses)) json.licenses.forEach(one);
  else one(json.licenses);
  return out;
}

export function packageFromManifest(json: unknown, path: string): Package | undefined {
  if (!isObject(json)) throw parseError(`${path}: package.json is not an object`);
  const name = str(json.name);
  const version = str(json.version);
  // Helper manifests inside a package (e.g. {"type":"module"}) lack name or version.
  if (!name || !version) return undefined;
  return newPackage({ type: "npm", name, version, path, licenses: npmLicenses(json) });
}

/** Workspace members linked into node_modules, from npm's hidden lockfile (lockfileVersion ≥ 2). */
export function workspacePackages(json: unknown, lockPath: string): Package[] {
  if (!isObject(json)) throw parseError(`${lockPath}: lockfile is not an object`);
  const packages = json.packages;
  if (!isObject(packages)) return [];
  const projectRoot = dirName(dirName(lockPath));
  const out: Package[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    if (!isObject(entry) || entry.link !== true) continue;
    const resolved = str(entry.resolved);
    if (!resolved || resolved.startsWith("/") || resolved.split("/").includes("..")) continue;
    const target = packages[resolved];
    if (!isObject(target)) continue;
    // npm omits "name" when it equals the folder name the link is installed under.
    const name = str(target.name) ?? key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    const version = str(target.version);
    if (!name || !version) continue;
    const path = `${projectRoot === "/" ? "" : projectRoot}/${resolved}/package.json`;
    const pkg = newPackage({
      type: "npm",
      name,
      version,
      path,
      licenses: npmLicenses(target),
      metadata: { workspace: true },
    });
    out.push(pkg);
  }
  return out;
}

export const npmAnalyzer: Analyzer = {
  name: "npm",
  version: 1,
  wants(path, info) {
    if (!isRegularFile(info.mode)) return false;
    if (PACKAGE_ROOT.test(path)) return info.size <= 8 * MiB;
    return HIDDEN_LOCKFILE.test(path) && info.size <= 64 * MiB;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const json = parseJson(await file.read(), file.path);
    if (HIDDEN_LOCKFILE.test(file.path)) {
      const packages = workspacePackages(json, file.path);
      return packages.length > 0 ? { packages } : undefined;
    }
    const pkg = packageFromManifest(json, file.path);
    return pkg ? { packages: [pkg] } : undefined;
  },
};
