/**
 * SemVer 2.0 precedence (semver.org §11) written out, shared by the schemes
 * that are "SemVer with quirks" (Go, Cargo, NuGet). npm uses node-semver itself.
 */
import { compareDigits, compareStrings } from "./numeric.js";

export interface SemverParts {
  /** Numeric release components as digit strings (three for SemVer, up to four for NuGet). */
  release: string[];
  /** Pre-release identifiers; empty for a release. */
  pre: string[];
  /** Build metadata: never part of precedence. */
  build: string;
}

const NUM = "(?:0|[1-9][0-9]*)";
const PRE_ID = `(?:${NUM}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const STRICT = new RegExp(
  `^(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);

/** Strict SemVer 2.0: exactly MAJOR.MINOR.PATCH, no leading zeros, no prefix. */
export function parseStrictSemver(v: string): SemverParts | undefined {
  const m = STRICT.exec(v);
  if (!m) return undefined;
  return {
    release: [m[1] ?? "0", m[2] ?? "0", m[3] ?? "0"],
    pre: m[4] ? m[4].split(".") : [],
    build: m[5] ?? "",
  };
}

const isNumeric = (s: string): boolean => /^[0-9]+$/.test(s);

/**
 * Pre-release precedence: numeric identifiers numerically and below
 * alphanumeric ones, alphanumeric ones by ASCII order, a shorter list first
 * when it is a prefix; a release (no identifiers) above any pre-release.
 */
export function comparePre(a: string[], b: string[], ignoreCase = false): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = ignoreCase ? (a[i] ?? "").toLowerCase() : (a[i] ?? "");
    const y = ignoreCase ? (b[i] ?? "").toLowerCase() : (b[i] ?? "");
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    const c = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? -1 : 1) : compareStrings(x, y);
    if (c) return c;
  }
  return a.length - b.length;
}

export function compareRelease(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareDigits(a[i] ?? "0", b[i] ?? "0");
    if (c) return c;
  }
  return 0;
}

export function compareSemverParts(a: SemverParts, b: SemverParts, ignoreCase = false): number {
  return compareRelease(a.release, b.release) || comparePre(a.pre, b.pre, ignoreCase);
}
