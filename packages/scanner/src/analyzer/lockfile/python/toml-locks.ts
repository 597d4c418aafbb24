/**
 * TOML lockfiles of Python projects: poetry.lock and uv.lock. Both list `[[package]]`
 * tables with name and version. Dev: poetry < 1.2 writes `category = "dev"`; newer poetry
 * and uv keep groups in pyproject.toml / the root package, so dev is only set where the
 * lockfile says it (uv: the root package's `dev-dependencies` names).
 */
import { parse as parseToml } from "smol-toml";
import { isRecord, lockPackage, parseError, str, tomlArrayHeaderLines, type LockResult } from "../common.js";
import type { PackageType } from "@bulwark/model";

export function parseTomlText(text: string, path: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw parseError(`${path}: invalid TOML (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
}

/** `[[package]]` entries with name/version, each paired with its header's line. */
export function tomlPackages(
  text: string,
  path: string,
  type: PackageType,
  isDev: (pkg: Record<string, unknown>) => boolean,
  skip: (pkg: Record<string, unknown>) => boolean = () => false,
): LockResult {
  const doc = parseTomlText(text, path);
  const list = Array.isArray(doc.package) ? (doc.package as unknown[]) : [];
  const lines = tomlArrayHeaderLines(text, "package");
  const out: LockResult = { packages: [], notes: [] };
  list.forEach((p, i) => {
    if (!isRecord(p) || skip(p)) return;
    const name = str(p.name);
    const version = str(p.version);
    if (!name || !version) return;
    out.packages.push(lockPackage(path, { type, name, version, line: lines[i] ?? 0, dev: isDev(p) }));
  });
  return out;
}

export function parsePoetryLock(text: string, path: string): LockResult {
  return tomlPackages(text, path, "pypi", (p) => p.category === "dev");
}

/** Names listed under the root (editable/virtual) package's dev-dependencies. */
function uvDevNames(doc: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const p of Array.isArray(doc.package) ? (doc.package as unknown[]) : []) {
    if (
      !isRecord(p) ||
      !isRecord(p.source) ||
      (p.source.editable === undefined && p.source.virtual === undefined)
    )
      continue;
    const groups = isRecord(p["dev-dependencies"]) ? Object.values(p["dev-dependencies"]) : [];
    for (const g of groups)
      for (const d of Array.isArray(g) ? g : []) if (isRecord(d) && str(d.name)) out.add(String(d.name));
  }
  return out;
}

export function parseUvLock(text: string, path: string): LockResult {
  const dev = uvDevNames(parseTomlText(text, path));
  const local = (p: Record<string, unknown>) =>
    isRecord(p.source) && (p.source.editable !== undefined || p.source.virtual !== undefined);
  return tomlPackages(text, path, "pypi", (p) => dev.has(String(p.name)), local);
}
