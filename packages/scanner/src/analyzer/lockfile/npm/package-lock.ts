/**
 * package-lock.json / npm-shrinkwrap.json, lockfile versions 1–3. v2/v3 list every
 * installed path under `packages` ("node_modules/a/node_modules/b"); v1 nests
 * `dependencies`. `dev` / `devOptional` mark dev-only packages; links and the root
 * project itself are not packages.
 */
import {
  isRecord,
  LineFinder,
  lockPackage,
  parseError,
  parseJsonText,
  str,
  type LockResult,
} from "../common.js";

function nameFromPath(key: string): string {
  const at = key.lastIndexOf("node_modules/");
  return at < 0 ? key : key.slice(at + "node_modules/".length);
}

function fromPackages(packages: Record<string, unknown>, path: string, lines: LineFinder): LockResult {
  const out: LockResult = { packages: [], notes: [] };
  for (const [key, entry] of Object.entries(packages)) {
    if (key === "" || !isRecord(entry) || entry.link === true) continue;
    const version = str(entry.version);
    if (!key.includes("node_modules/") || !version) continue;
    const name = str(entry.name) ?? nameFromPath(key);
    const line = lines.find(`${JSON.stringify(key)}:`);
    out.packages.push(lockPackage(path, { type: "npm", name, version, line, dev: entry.dev === true }));
  }
  return out;
}

function fromDependencies(
  deps: Record<string, unknown>,
  path: string,
  lines: LineFinder,
  out: LockResult,
  depth: number,
) {
  if (depth > 200) throw parseError(`${path}: dependencies nested deeper than 200 levels`);
  for (const [name, entry] of Object.entries(deps)) {
    if (!isRecord(entry)) continue;
    const version = str(entry.version);
    const line = lines.find(`${JSON.stringify(name)}:`);
    // v1 `version` of a git/file dependency is a URL, not a registry version.
    if (version && !/^(file:|git|https?:|github:|link:)/.test(version))
      out.packages.push(lockPackage(path, { type: "npm", name, version, line, dev: entry.dev === true }));
    if (isRecord(entry.dependencies)) fromDependencies(entry.dependencies, path, lines, out, depth + 1);
  }
}

export function parsePackageLock(text: string, path: string): LockResult {
  const json = parseJsonText(text, path);
  if (!isRecord(json)) throw parseError(`${path}: not a JSON object`);
  const lines = new LineFinder(text);
  if (isRecord(json.packages)) return fromPackages(json.packages, path, lines);
  const out: LockResult = { packages: [], notes: [] };
  if (isRecord(json.dependencies)) fromDependencies(json.dependencies, path, lines, out, 0);
  else if (json.lockfileVersion === undefined)
    throw parseError(`${path}: no lockfileVersion, packages or dependencies`);
  return out;
}
