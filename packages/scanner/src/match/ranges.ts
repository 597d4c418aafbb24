/**
 * OSV "affected" evaluation (https://ossf.github.io/osv-schema/#affectedranges-field):
 * is one package version inside an advisory's ranges, and which release fixes it.
 *
 * - `versions`: an exact list; a version matches when it is the same string or,
 *   when both are valid, compares equal (1.0 and 1.0.0 under PEP 440).
 * - ECOSYSTEM ranges use the ecosystem's comparator; SEMVER ranges use SemVer
 *   precedence (the caller's comparator when it is SemVer-based, Go included, so
 *   OSV's v-less Go versions meet installed v-prefixed ones).
 * - Events are sorted by version ("introduced": "0" first) and walked as the
 *   spec's algorithm says: introduced sets affected, fixed (>=) and
 *   last_affected (>) clear it; a range only applies below one of its `limit`s.
 * - Ranges are OR'ed. GIT ranges cannot be evaluated from a package version and
 *   are skipped silently; unknown range types and malformed versions make that
 *   range unaffected and are reported in `invalid`.
 */
import {
  type OsvAffected,
  type OsvEvent,
  type OsvRange,
  comparatorForScheme,
  type Comparator,
} from "@bulwark/vulndb";

export interface RangeVerdict {
  affected: boolean;
  /** The fix that closes the range containing the version (the largest one if several ranges contain it). */
  fixedVersion?: string;
  /** Why some of the data could not be evaluated. */
  invalid?: string;
}

const SEMVER_FAMILY = new Set(["semver", "go", "cargo", "nuget"]);

type Kind = "introduced" | "fixed" | "last_affected" | "limit";
interface Event {
  kind: Kind;
  version: string;
}

interface RangeResult {
  affected: boolean;
  fixedVersion?: string;
  invalid?: string;
}

function comparatorForRange(type: string, cmp: Comparator): Comparator | undefined {
  if (type === "ECOSYSTEM") return cmp;
  if (type === "SEMVER") return SEMVER_FAMILY.has(cmp.scheme) ? cmp : comparatorForScheme("semver");
  return undefined;
}

/** One event object → one event; the spec allows exactly one key per event. */
function toEvent(e: OsvEvent): Event | string {
  const keys = (Object.keys(e ?? {}) as Kind[]).filter((k) =>
    ["introduced", "fixed", "last_affected", "limit"].includes(k),
  );
  if (keys.length !== 1) return `event with ${keys.length} of introduced/fixed/last_affected/limit`;
  const kind = keys[0] as Kind;
  const version = e[kind];
  return typeof version === "string" && version !== ""
    ? { kind, version }
    : `event ${kind} without a version`;
}

/** Versions that are not compared: "introduced": "0" is the start and "limit": "*" no limit. */
const isSentinel = (e: Event): boolean =>
  (e.kind === "introduced" && e.version === "0") || (e.kind === "limit" && e.version === "*");

/** The range's events, or why they cannot be evaluated. */
export function checkRange(range: OsvRange, cmp: Comparator): Event[] | string {
  const rangeCmp = comparatorForRange(range.type, cmp);
  if (!rangeCmp) return `unknown range type ${JSON.stringify(range.type)}`;
  if (!Array.isArray(range.events)) return `${range.type} range without events`;
  const events: Event[] = [];
  for (const raw of range.events) {
    const e = toEvent(raw);
    if (typeof e === "string") return e;
    if (!isSentinel(e) && !rangeCmp.valid(e.version)) {
      return `${e.kind} ${JSON.stringify(e.version)} is not a valid ${rangeCmp.scheme} version`;
    }
    events.push(e);
  }
  if (!events.some((e) => e.kind === "introduced")) return `${range.type} range without an introduced event`;
  return events;
}

function sortEvents(events: Event[], cmp: Comparator): Event[] {
  const key = (e: Event): string | undefined => (isSentinel(e) ? undefined : e.version);
  return events
    .filter((e) => e.kind !== "limit")
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
      return cmp.compare(x, y);
    });
}

/** The spec's walk over sorted events, plus the fix that closes the range containing `version`. */
function evaluateRange(events: Event[], version: string, cmp: Comparator): RangeResult {
  const limits = events.filter((e) => e.kind === "limit");
  const belowLimit =
    limits.length === 0 || limits.some((l) => l.version === "*" || cmp.compare(version, l.version) < 0);
  if (!belowLimit) return { affected: false };
  const sorted = sortEvents(events, cmp);
  let affected = false;
  for (const e of sorted) {
    if (e.kind === "introduced" && (isSentinel(e) || cmp.compare(version, e.version) >= 0)) affected = true;
    else if (e.kind === "fixed" && cmp.compare(version, e.version) >= 0) affected = false;
    else if (e.kind === "last_affected" && cmp.compare(version, e.version) > 0) affected = false;
  }
  if (!affected) return { affected };
  // The first event that ends the affected interval above the version: a fix, or a last affected version (no fix).
  const closing = sorted.find(
    (e) =>
      (e.kind === "fixed" && cmp.compare(e.version, version) > 0) ||
      (e.kind === "last_affected" && cmp.compare(e.version, version) >= 0),
  );
  return closing?.kind === "fixed" ? { affected, fixedVersion: closing.version } : { affected };
}

function inVersionsList(list: unknown, version: string, cmp: Comparator): boolean {
  if (!Array.isArray(list)) return false;
  const valid = cmp.valid(version);
  return list.some(
    (v) =>
      typeof v === "string" && (v === version || (valid && cmp.valid(v) && cmp.compare(v, version) === 0)),
  );
}

export function evaluateAffected(affected: OsvAffected, version: string, cmp: Comparator): RangeVerdict {
  const problems: string[] = [];
  const listed = inVersionsList(affected.versions, version, cmp);
  const hits: RangeResult[] = [];
  const ranges: unknown = affected.ranges ?? [];
  for (const range of Array.isArray(ranges) ? (ranges as OsvRange[]) : []) {
    if (typeof range !== "object" || range === null) {
      problems.push("range is not an object");
      continue;
    }
    if (range.type === "GIT") continue;
    const events = checkRange(range, cmp);
    if (typeof events === "string") {
      problems.push(events);
      continue;
    }
    const rangeCmp = comparatorForRange(range.type, cmp) as Comparator;
    if (!rangeCmp.valid(version)) {
      problems.push(`installed version ${JSON.stringify(version)} is not a valid ${rangeCmp.scheme} version`);
      continue;
    }
    const result = evaluateRange(events, version, rangeCmp);
    if (result.affected) hits.push(result);
  }
  const verdict: RangeVerdict = { affected: listed || hits.length > 0 };
  const fixedVersion = closingFix(hits, cmp);
  if (fixedVersion !== undefined) verdict.fixedVersion = fixedVersion;
  if (problems.length > 0) verdict.invalid = [...new Set(problems)].join("; ");
  return verdict;
}

/**
 * One fix for all ranges containing the version: the largest of their fixes, so
 * that upgrading to it leaves every one of them; none when one of them has no fix.
 */
function closingFix(hits: RangeResult[], cmp: Comparator): string | undefined {
  let best: string | undefined;
  for (const h of hits) {
    if (h.fixedVersion === undefined) return undefined;
    if (best === undefined || cmp.compare(h.fixedVersion, best) > 0) best = h.fixedVersion;
  }
  return best;
}
