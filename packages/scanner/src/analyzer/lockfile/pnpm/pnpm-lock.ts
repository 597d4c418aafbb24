/**
 * pnpm-lock.yaml, lockfile versions 5.x–9. Package keys are "/name/1.0.0" (v5),
 * "/name@1.0.0" (v6) or "name@1.0.0" (v9), optionally followed by a peer suffix
 * "(react@18.0.0)" or "_react@18.0.0". v5/v6 mark dev-only packages with `dev: true`;
 * v9 keeps that only per importer (direct devDependencies), which is used for those.
 */
import { parse as parseYaml } from "yaml";
import { isRecord, LineFinder, lockPackage, parseError, type LockResult } from "../common.js";

export function splitPnpmKey(key: string): { name: string; version: string } | undefined {
  const k = key.replace(/^\//, "").replace(/\(.*$/, "");
  const at = k.lastIndexOf("@");
  if (at > 0) {
    const version = k.slice(at + 1).replace(/_.*$/, "");
    return { name: k.slice(0, at), version };
  }
  // v5: "name/1.0.0" or "@scope/name/1.0.0"
  const slash = k.lastIndexOf("/");
  if (slash <= 0) return undefined;
  return { name: k.slice(0, slash), version: k.slice(slash + 1).replace(/_.*$/, "") };
}

/** Names of direct devDependencies over every importer (v9 has no per-package dev flag). */
function directDev(doc: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const importers = isRecord(doc.importers) ? Object.values(doc.importers) : [doc];
  for (const imp of importers) {
    if (isRecord(imp) && isRecord(imp.devDependencies))
      Object.keys(imp.devDependencies).forEach((n) => out.add(n));
  }
  return out;
}

export function parsePnpmLock(text: string, path: string): LockResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw parseError(`${path}: invalid YAML (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(doc) || doc.lockfileVersion === undefined) throw parseError(`${path}: no lockfileVersion`);
  const out: LockResult = { packages: [], notes: [] };
  const packages = isRecord(doc.packages) ? doc.packages : {};
  const dev = directDev(doc);
  const lines = new LineFinder(text);
  const startOfPackages = text.search(/^packages:/m);
  if (startOfPackages >= 0) lines.find(text.slice(startOfPackages, startOfPackages + 9));
  for (const [key, entry] of Object.entries(packages)) {
    const id = splitPnpmKey(key);
    if (!id || !id.version || !/^\d/.test(id.version)) continue;
    const line = lines.find(`${key}`);
    const isDev = isRecord(entry) && entry.dev !== undefined ? entry.dev === true : dev.has(id.name);
    out.packages.push(
      lockPackage(path, { type: "npm", name: id.name, version: id.version, line, dev: isDev }),
    );
  }
  return out;
}
