/** composer.lock: `packages` and `packages-dev` arrays of { name: "vendor/pkg", version }. */
import {
  isRecord,
  LineFinder,
  lockPackage,
  parseError,
  parseJsonText,
  str,
  type LockResult,
} from "../common.js";

export function parseComposerLock(text: string, path: string): LockResult {
  const json = parseJsonText(text, path);
  if (!isRecord(json) || !Array.isArray(json.packages)) throw parseError(`${path}: no "packages" array`);
  const out: LockResult = { packages: [], notes: [] };
  const lines = new LineFinder(text);
  for (const section of ["packages", "packages-dev"] as const) {
    const list = json[section];
    if (!Array.isArray(list)) continue;
    lines.find(`"${section}":`);
    for (const p of list) {
      if (!isRecord(p) || !str(p.name) || !str(p.version)) continue;
      const name = String(p.name);
      const line = lines.find(`"name": ${JSON.stringify(name)}`);
      const version = String(p.version).replace(/^v(?=\d)/, "");
      out.packages.push(
        lockPackage(path, { type: "composer", name, version, line, dev: section === "packages-dev" }),
      );
    }
  }
  return out;
}
