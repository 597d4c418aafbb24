/**
 * yarn.lock, classic (v1, its own format) and Berry
 * (v2+, YAML with a `__metadata` entry, parsed with `yaml`). Keys are comma-separated specifiers
 * ("lodash@^4.17.0, lodash@^4.17.21" or "lodash@npm:^4.17.21") for one resolved version.
 * yarn.lock does not say which packages are dev-only (package.json does): dev is not set.
 */
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
  return collect(parseClassic(text, path), text, path, false);
}

/**
 * yarn v1's own format, read line by line: a top-level line "spec, spec:" opens an
 * entry, indented `key value` lines fill it. Only what the inventory needs is kept
 * (version, resolved); anything that fits neither shape is an error naming the line.
 * (A line scanner, linear in the input, instead of @yarnpkg/lockfile, whose tokenizer
 * took minutes on some hostile inputs in the property test.)
 */
function parseClassic(text: string, path: string): Record<string, unknown> {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim() || raw.trimStart().startsWith("#")) continue;
    if (raw.startsWith("<<<<<<<") || raw.startsWith(">>>>>>>"))
      throw parseError(`${path}:${i + 1}: merge conflict marker`);
    if (!/^\s/.test(raw)) {
      if (!raw.endsWith(":"))
        throw parseError(`${path}:${i + 1}: expected "specifier:" at the start of an entry`);
      current = {};
      out[raw.slice(0, -1)] = current;
      continue;
    }
    if (!current) throw parseError(`${path}:${i + 1}: indented line outside an entry`);
    const m = /^ {2}([\w-]+)\s+"?([^"]*)"?\s*$/.exec(raw);
    if (m?.[1] && m[2] !== undefined) current[m[1]] = m[2];
  }
  if (!Object.keys(out).length && /\S/.test(text.replace(/^#.*$/gm, "")))
    throw parseError(`${path}: no entries`);
  return out;
}
