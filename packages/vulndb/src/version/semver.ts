/**
 * npm versions, ordered by node-semver itself (the implementation npm uses).
 * Strict parsing first; node-semver's loose mode as a fallback so that
 * slightly odd strings found in old lockfiles ("=1.2.3", "1.2.3beta") still order.
 */
import { SemVer } from "semver";
import type { Comparator } from "./types.js";
import { withInvalidFirst } from "./numeric.js";

function parse(v: string): SemVer | undefined {
  for (const loose of [false, true]) {
    try {
      return new SemVer(v.trim(), { loose });
    } catch {
      // Not a version in this mode: try the next one, then treat as invalid.
    }
  }
  return undefined;
}

export const semverComparator: Comparator = {
  scheme: "semver",
  compare: withInvalidFirst(parse, (a, b) => a.compare(b)),
  valid: (v) => {
    try {
      new SemVer(v.trim());
      return true;
    } catch {
      return false;
    }
  },
};
