/**
 * PHP: vendor/composer/installed.json, written by Composer 1 (a JSON array of packages)
 * and Composer 2 ({"packages": [...]}). "vendor/name" becomes namespace and name.
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { isObject, isRegularFile, MiB, newPackage, parseError, parseJson, str } from "../common/util.js";

const INSTALLED = /\/vendor\/composer\/installed\.json$/;

export function composerPackages(json: unknown, path: string): Package[] {
  const list = Array.isArray(json) ? json : isObject(json) ? json.packages : undefined;
  if (!Array.isArray(list)) throw parseError(`${path}: neither a package array nor {"packages": [...]}`);
  const out: Package[] = [];
  for (const p of list) {
    if (!isObject(p)) continue;
    const full = str(p.name);
    const version = str(p.version);
    if (!full || !version) throw parseError(`${path}: package without name or version`);
    const slash = full.indexOf("/");
    const licenses = Array.isArray(p.license)
      ? p.license.filter((l): l is string => typeof l === "string")
      : [];
    if (typeof p.license === "string") licenses.push(p.license);
    out.push(
      newPackage({
        type: "composer",
        namespace: slash > 0 ? full.slice(0, slash) : undefined,
        name: slash > 0 ? full.slice(slash + 1) : full,
        version,
        path,
        licenses,
      }),
    );
  }
  return out;
}

export const composerAnalyzer: Analyzer = {
  name: "composer",
  version: 1,
  wants(path, info) {
    return INSTALLED.test(path) && isRegularFile(info.mode) && info.size <= 64 * MiB;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const packages = composerPackages(parseJson(await file.read(), file.path), file.path);
    return packages.length > 0 ? { packages } : undefined;
  },
};
