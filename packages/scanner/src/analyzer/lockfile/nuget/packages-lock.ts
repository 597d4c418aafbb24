/**
 * packages.lock.json (.NET): `dependencies` per target framework, name → { type,
 * resolved }. "Project" entries are the solution's own projects. The lockfile does not
 * mark test-only packages; the same package under several frameworks is listed once.
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

export function parsePackagesLock(text: string, path: string): LockResult {
  const json = parseJsonText(text, path);
  if (!isRecord(json) || !isRecord(json.dependencies)) throw parseError(`${path}: no "dependencies" object`);
  const out: LockResult = { packages: [], notes: [] };
  const lines = new LineFinder(text);
  const seen = new Set<string>();
  for (const deps of Object.values(json.dependencies)) {
    if (!isRecord(deps)) continue;
    for (const [name, entry] of Object.entries(deps)) {
      const line = lines.find(`${JSON.stringify(name)}:`);
      if (!isRecord(entry) || entry.type === "Project") continue;
      const version = str(entry.resolved);
      if (!version || seen.has(`${name}@${version}`)) continue;
      seen.add(`${name}@${version}`);
      out.packages.push(lockPackage(path, { type: "nuget", name, version, line }));
    }
  }
  return out;
}
