import { existsSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import {
  BulwarkError,
  errorMessage,
  type Finding,
  type Suppressed,
  readBoundedFileSync,
} from "@bulwark/model";

/** One entry of `.bulwarkignore.yaml`. */
export interface IgnoreEntry {
  /** Finding id, an alias of it (CVE ↔ GHSA ↔ GO-…), a rule id or a secret fingerprint. */
  id: string;
  /** Package name or purl (vulnerabilities only). */
  package?: string;
  /** Glob matched against the finding's path (image path or file). */
  path?: string;
  /** Last day the entry applies (YYYY-MM-DD, inclusive). */
  expires?: string;
  reason: string;
}

export const DEFAULT_IGNORE_FILE = ".bulwarkignore.yaml";

function invalid(file: string, message: string): BulwarkError {
  return new BulwarkError("CONFIG_INVALID", `${file}: ${message}`);
}

function validEntry(file: string, raw: unknown, index: number): IgnoreEntry {
  const where = `entry ${index + 1}`;
  if (typeof raw !== "object" || raw === null) throw invalid(file, `${where} is not a mapping`);
  const e = raw as Record<string, unknown>;
  if (typeof e.id !== "string" || !e.id) throw invalid(file, `${where} has no id`);
  if (typeof e.reason !== "string" || !e.reason.trim())
    throw invalid(file, `${where} (${e.id}) has no reason; every suppression needs one`);
  for (const k of ["package", "path"] as const)
    if (e[k] !== undefined && typeof e[k] !== "string")
      throw invalid(file, `${where} (${e.id}): ${k} must be text`);
  // YAML reads an unquoted 2026-01-31 as a date; accept both spellings.
  const expires = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : e.expires;
  if (expires !== undefined && (typeof expires !== "string" || !isIsoDate(expires)))
    throw invalid(file, `${where} (${e.id}): expires must be a date YYYY-MM-DD`);
  return {
    id: e.id,
    reason: e.reason.trim(),
    ...(typeof e.package === "string" ? { package: e.package } : {}),
    ...(typeof e.path === "string" ? { path: e.path } : {}),
    ...(expires ? { expires } : {}),
  };
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Parses an ignore file's text: a list of entries, or a mapping with an `ignore:` list. */
export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw invalid(file, `not valid YAML: ${errorMessage(e).split("\n")[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  const list = Array.isArray(doc) ? doc : (doc as Record<string, unknown>).ignore;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalid(file, "expected a list of entries under `ignore:`");
  return list.map((raw, i) => validEntry(file, raw, i));
}

/**
 * Loads the ignore file: the one given, else ./.bulwarkignore.yaml when it exists.
 * A named file that is missing is an error (a typo must not silently ignore nothing).
 */
export function loadIgnoreFile(file: string | undefined, cwd = process.cwd()): IgnoreEntry[] {
  const path = file ?? `${cwd}/${DEFAULT_IGNORE_FILE}`;
  if (!file && !existsSync(path)) return [];
  let text: string;
  try {
    text = readBoundedFileSync(path, "ignore file", "CONFIG_BYTES").toString("utf8");
  } catch (e) {
    throw new BulwarkError("CONFIG_INVALID", `cannot read ignore file ${path}: ${errorMessage(e)}`);
  }
  return parseIgnoreFile(text, file ?? DEFAULT_IGNORE_FILE);
}

/** Glob to regex: `**` any depth, `*` within one segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  const g = stripRoot(glob);
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*" && g[i + 1] === "*") {
      re += ".*";
      i++;
      if (g[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Image paths are absolute and file paths relative; users write either. */
function stripRoot(p: string): string {
  return p.replace(/^\.?\/+/, "");
}

function idsOf(f: Finding): string[] {
  if (f.kind === "vulnerability") return [f.id, ...f.aliases];
  if (f.kind === "secret") return [f.id, f.fingerprint];
  return [f.id];
}

function pathOf(f: Finding): string {
  return f.kind === "vulnerability" ? f.location.path : f.file;
}

function matchesPackage(f: Finding, wanted: string): boolean {
  if (f.kind !== "vulnerability") return false;
  const { name, purl } = f.package;
  if (wanted === name || wanted === purl) return true;
  // A purl without version (or qualifiers) names every version of the package.
  return wanted.startsWith("pkg:") && !wanted.includes("@") && purl.split("@")[0] === wanted;
}

export function entryMatches(entry: IgnoreEntry, f: Finding): boolean {
  if (!idsOf(f).includes(entry.id)) return false;
  if (entry.package && !matchesPackage(f, entry.package)) return false;
  if (entry.path && !globToRegExp(entry.path).test(stripRoot(pathOf(f)))) return false;
  return true;
}

/** True once the expiry day is over (an entry applies through its expiry date). */
export function isExpired(entry: IgnoreEntry, today: Date): boolean {
  return entry.expires !== undefined && today.toISOString().slice(0, 10) > entry.expires;
}

export interface SuppressionResult {
  kept: Finding[];
  suppressed: Suppressed[];
  warnings: string[];
}

/** Applies the ignore entries: suppressed findings are listed with their reason, expired entries warned about. */
export function applyIgnores(
  findings: Finding[],
  entries: IgnoreEntry[],
  today = new Date(),
): SuppressionResult {
  const live = entries.filter((e) => !isExpired(e, today));
  const warnings = entries
    .filter((e) => isExpired(e, today))
    .map(
      (e) =>
        `ignore entry ${e.id}${e.package ? ` (${e.package})` : ""} expired on ${e.expires}; no longer applied`,
    );
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of findings) {
    const entry = live.find((e) => entryMatches(e, f));
    if (entry) suppressed.push({ finding: f, by: "ignore-file", reason: entry.reason });
    else kept.push(f);
  }
  return { kept, suppressed, warnings };
}
