/**
 * crates.io versions: strict SemVer 2.0 as Cargo's `semver` crate parses it.
 * Ordering is SemVer precedence; the crate also orders build metadata
 * (1.0.0+a < 1.0.0+b), which OSV's SEMVER ranges ignore, so we ignore it too.
 */
import type { Comparator } from "./types.js";
import { compareSemverParts, parseStrictSemver } from "./semverCore.js";
import { withInvalidFirst } from "./numeric.js";

// No trimming: the semver crate rejects surrounding whitespace too.
const parse = (v: string) => parseStrictSemver(v);

export const cargoComparator: Comparator = {
  scheme: "cargo",
  compare: withInvalidFirst(parse, (a, b) => compareSemverParts(a, b)),
  valid: (v) => parse(v) !== undefined,
};
