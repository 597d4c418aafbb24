/**
 * Cheap structural checks on one OSV record before it enters the database. A record
 * that fails is counted and reported by the import and left out; it never stops it.
 * Version strings are checked only where a grammar is cheap to test (SemVer, PEP 440);
 * full ordering is the comparators' job at match time.
 */
import type { OsvRecord } from "./osv.js";
import { ecosystemBase } from "./names.js";

const RANGE_TYPES = new Set(["ECOSYSTEM", "SEMVER", "GIT"]);
const EVENT_KEYS = new Set(["introduced", "fixed", "last_affected", "limit"]);

// semver.org's recommended pattern; OSV SEMVER ranges use it without a leading "v".
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

// PEP 440 public and local versions (the permissive form pip accepts), case-insensitive.
const PEP440 =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

const MAX_VERSION_LENGTH = 256;

export type Validation = { ok: true; record: OsvRecord } | { ok: false; id?: string; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkVersion(rangeType: string, ecosystem: string | undefined, value: string): string | undefined {
  if (value === "" || value.length > MAX_VERSION_LENGTH || /\s/.test(value))
    return "is empty, too long or has spaces";
  // "0" means "since the first version" in every range type.
  if (value === "0") return undefined;
  if (rangeType === "SEMVER" && !SEMVER.test(value)) return "is not a SemVer version";
  if (rangeType === "ECOSYSTEM" && ecosystem === "PyPI" && !PEP440.test(value))
    return "is not a PEP 440 version";
  return undefined;
}

function checkRange(range: unknown, ecosystem: string | undefined): string | undefined {
  if (!isObject(range)) return "a range is not an object";
  const type = range.type;
  if (typeof type !== "string" || !RANGE_TYPES.has(type)) return `unknown range type ${JSON.stringify(type)}`;
  const events = range.events;
  if (!Array.isArray(events) || events.length === 0) return `${type} range has no events`;
  let introduced = false;
  for (const event of events) {
    if (!isObject(event)) return `${type} range has an event that is not an object`;
    const keys = Object.keys(event);
    if (keys.length !== 1 || !EVENT_KEYS.has(keys[0]!))
      return `${type} range has an event with keys ${JSON.stringify(keys)}`;
    const key = keys[0]!;
    const value = event[key];
    if (typeof value !== "string") return `${type} event ${key} is not a string`;
    if (key === "introduced") introduced = true;
    // GIT events are commit hashes, not versions.
    const problem =
      type === "GIT" ? (value === "" ? "is empty" : undefined) : checkVersion(type, ecosystem, value);
    if (problem) return `${type} event ${key}=${JSON.stringify(value).slice(0, 80)} ${problem}`;
  }
  if (!introduced) return `${type} range has no introduced event`;
  return undefined;
}

function checkAffected(affected: unknown): string | undefined {
  if (!isObject(affected)) return "an affected entry is not an object";
  const pkg = affected.package;
  let ecosystem: string | undefined;
  if (pkg !== undefined) {
    if (!isObject(pkg) || typeof pkg.ecosystem !== "string" || typeof pkg.name !== "string" || !pkg.name)
      return "affected package lacks ecosystem or name";
    ecosystem = ecosystemBase(pkg.ecosystem);
  }
  if (affected.ranges !== undefined) {
    if (!Array.isArray(affected.ranges)) return "affected ranges is not an array";
    for (const range of affected.ranges) {
      const problem = checkRange(range, ecosystem);
      if (problem) return problem;
    }
  }
  if (affected.versions !== undefined) {
    if (!Array.isArray(affected.versions) || !affected.versions.every((v) => typeof v === "string"))
      return "affected versions is not a list of strings";
  }
  return undefined;
}

/** Checks a parsed JSON value; returns the record or the first problem found. */
export function validateOsvRecord(value: unknown): Validation {
  if (!isObject(value)) return { ok: false, reason: "not a JSON object" };
  const id = typeof value.id === "string" && value.id.trim() !== "" ? value.id : undefined;
  if (!id) return { ok: false, reason: "missing id" };
  const fail = (reason: string): Validation => ({ ok: false, id, reason });
  if (typeof value.modified !== "string") return fail("missing modified date");
  if (value.withdrawn !== undefined && typeof value.withdrawn !== "string")
    return fail("withdrawn is not a date");
  if (
    value.aliases !== undefined &&
    (!Array.isArray(value.aliases) || !value.aliases.every((a) => typeof a === "string"))
  )
    return fail("aliases is not a list of strings");
  if (value.affected !== undefined) {
    if (!Array.isArray(value.affected)) return fail("affected is not an array");
    for (const affected of value.affected) {
      const problem = checkAffected(affected);
      if (problem) return fail(problem);
    }
  }
  return { ok: true, record: value as unknown as OsvRecord };
}
