/** Pipfile.lock: JSON with `default` and `develop` maps of name → { version: "==1.2.3" }. */
import {
  isRecord,
  LineFinder,
  lockPackage,
  parseError,
  parseJsonText,
  str,
  type LockResult,
} from "../common.js";

export function parsePipfileLock(text: string, path: string): LockResult {
  const json = parseJsonText(text, path);
  if (!isRecord(json) || !isRecord(json._meta)) throw parseError(`${path}: no _meta section`);
  const out: LockResult = { packages: [], notes: [] };
  const lines = new LineFinder(text);
  for (const section of ["default", "develop"] as const) {
    const deps = json[section];
    if (!isRecord(deps)) continue;
    lines.find(`"${section}":`);
    for (const [name, entry] of Object.entries(deps)) {
      const line = lines.find(`${JSON.stringify(name)}:`);
      const version = isRecord(entry) ? str(entry.version)?.replace(/^===?/, "") : undefined;
      if (!version) {
        out.notes.push({ code: "not-checkable", message: `${path}:${line}: ${name} has no pinned version` });
        continue;
      }
      out.packages.push(lockPackage(path, { type: "pypi", name, version, line, dev: section === "develop" }));
    }
  }
  return out;
}
