/**
 * RPM versions ([epoch:]version[-release]) ordered as librpm's rpmvercmp:
 * alphanumeric segments (digits numerically, letters by code unit, digits above
 * letters), other characters only separate, `~` sorts before anything (even the
 * end) and `^` sorts after the end but before any further segment.
 */
import type { Comparator } from "./types.js";
import { compareDigits, isAsciiLetter, isDigit, memoize, sign } from "./numeric.js";

const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAsciiLetter(c);

function segmentEnd(s: string, start: number, digits: boolean): number {
  let i = start;
  while (i < s.length && (digits ? isDigit(s[i]) : isAsciiLetter(s[i]))) i++;
  return i;
}

/** librpm's rpmvercmp for one version or release string. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== "~" && a[i] !== "^") i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== "~" && b[j] !== "^") j++;
    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const ei = segmentEnd(a, i, numeric);
    const ej = segmentEnd(b, j, numeric);
    // Segments of different kinds: a number is newer than letters.
    if (ej === j) return numeric ? 1 : -1;
    const x = a.slice(i, ei);
    const y = b.slice(j, ej);
    const rc = numeric ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (rc) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

interface Evr {
  epoch: string;
  version: string;
  release: string | undefined;
}

/** E:V-R; a missing epoch is 0, and a missing release sorts below any release, as in rpm.labelCompare. */
function splitEvr(v: string): Evr {
  const s = v.trim();
  const colon = s.indexOf(":");
  const hasEpoch = colon > 0 && /^[0-9]+$/.test(s.slice(0, colon));
  const rest = hasEpoch ? s.slice(colon + 1) : s;
  const hyphen = rest.lastIndexOf("-");
  return {
    epoch: hasEpoch ? s.slice(0, colon) : "0",
    version: hyphen >= 0 ? rest.slice(0, hyphen) : rest,
    release: hyphen >= 0 ? rest.slice(hyphen + 1) : undefined,
  };
}

const splitCached = memoize(splitEvr);

export function compareRpm(a: string, b: string): number {
  const x = splitCached(a);
  const y = splitCached(b);
  return sign(
    compareDigits(x.epoch, y.epoch) ||
      rpmvercmp(x.version, y.version) ||
      compareRelease(x.release, y.release),
  );
}

function compareRelease(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return rpmvercmp(a, b);
}

/** The characters rpm allows in a version or release (no hyphen inside either). */
const PART = /^[A-Za-z0-9._+~^]+$/;

export function validRpm(v: string): boolean {
  const s = v.trim();
  const colon = s.indexOf(":");
  if (colon >= 0 && !/^[0-9]+$/.test(s.slice(0, colon))) return false;
  const parts = (colon >= 0 ? s.slice(colon + 1) : s).split("-");
  return parts.length <= 2 && parts.every((p) => PART.test(p)) && isAlnum(parts[0]?.[0]);
}

export const rpmComparator: Comparator = { scheme: "rpm", compare: compareRpm, valid: validRpm };
