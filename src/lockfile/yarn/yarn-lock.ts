/**
 * yarn.lock, classic (v1, its own format, parsed with @yarnpkg/lockfile) and Berry
 * (v2+, YAML with a `__metadata` entry). Keys are comma-separated specifiers
 * ("lodash@^4.17.0, lodash@^4.17.21" or "lodash@npm:^4.17.21") for one resolved version.
 * yarn.lock does not say which packages are dev-only (package.json does): dev is not set.
 */
import { parse as parseYarnV1 } from "@yarnpkg/lockfile";
import { parse as parseYaml } from "yaml";
import { isRecord, LineFinder, lockPackage, parseError, str, type LockResult } from "../common.js";

/** "@scope/name@npm:^1.0" → "@scope/name". */
function nameOfSpecifier(spec: string): string {
  const s = spec.trim().replace(/^"|"$/g, "");
  const at = s.indexOf("@", 1);
  return at < 0 ? s : s.slice(0, at);
}

function collect(entries: Record<string, unknown>, text: string, path: string, berry: boolean): LockResult {
  const out: LockResult = { packages: [], notes: [] };
  const lines = new LineFinder(text);
  for (const [key, entry] of Object.entries(entries)) {
    if (key === "__metadata" || !isRecord(entry)) continue;
    const version =
      str(entry.version) ?? (typeof entry.version === "number" ? String(entry.version) : undefined);
    const first = key.split(",")[0] ?? key;
    const name = nameOfSpecifier(first);
    // Berry marks the workspace's own packages with a workspace: or link: resolution.
    const resolution = str(entry.resolution) ?? "";
    if (!version || /@(workspace|link|portal|file|patch):/.test(resolution) || version === "0.0.0-use.local")
      continue;
    const line = lines.find(berry ? first.trim() : first.trim().replace(/^"|"$/g, ""));
    out.packages.push(lockPackage(path, { type: "npm", name, version, line }));
  }
  return out;
}

export function parseYarnLock(text: string, path: string): LockResult {
  if (/^__metadata:/m.test(text)) {
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw parseError(`${path}: invalid YAML (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!isRecord(doc)) throw parseError(`${path}: not a YAML mapping`);
    return collect(doc, text, path, true);
  }
  let parsed: { type: string; object: Record<string, unknown> };
  try {
    parsed = parseYarnV1(text) as { type: string; object: Record<string, unknown> };
  } catch (e) {
    throw parseError(`${path}: invalid yarn.lock (${e instanceof Error ? e.message : String(e)})`);
  }
  if (parsed.type !== "success") throw parseError(`${path}: yarn.lock has merge conflicts`);
  // @yarnpkg/lockfile splits "a@1, a@2" keys into one key each; keep one package per entry.
  const seen = new Set<unknown>();
  const unique: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed.object)) {
    if (seen.has(v)) continue;
    seen.add(v);
    unique[k] = v;
  }
  return collect(unique, text, path, false);
}
