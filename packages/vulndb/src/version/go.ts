/**
 * Go module versions (golang.org/ref/mod#versions): SemVer with a leading v,
 * the vMAJOR and vMAJOR.MINOR shorthands, pseudo-versions (which are ordinary
 * SemVer pre-releases, so they order correctly by construction) and
 * `+incompatible` (build metadata, so ignored for ordering). OSV's Go ranges
 * drop the v, and Go toolchain versions look like go1.21rc1: both accepted.
 */
import type { Comparator } from "./types.js";
import { compareSemverParts, parseStrictSemver, type SemverParts } from "./semverCore.js";
import { withInvalidFirst } from "./numeric.js";

const SHORT = /^(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?$/;
const TOOLCHAIN =
  /^go(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(?:(alpha|beta|rc)(0|[1-9][0-9]*))?$/;

/** go1.21rc1 → 1.21.0-rc.1, go1.17.2 → 1.17.2 (the mapping Go's own tooling uses). */
export function goToolchainToSemver(v: string): string | undefined {
  const m = TOOLCHAIN.exec(v.trim());
  if (!m) return undefined;
  const core = `${m[1]}.${m[2] ?? "0"}.${m[3] ?? "0"}`;
  return m[4] ? `${core}-${m[4]}.${m[5]}` : core;
}

export function parseGoVersion(v: string): SemverParts | undefined {
  const s = v.trim();
  const toolchain = s.startsWith("go") ? goToolchainToSemver(s) : undefined;
  if (toolchain) return parseStrictSemver(toolchain);
  const body = s.startsWith("v") ? s.slice(1) : s;
  const short = SHORT.exec(body);
  if (short) return { release: [short[1] ?? "0", short[2] ?? "0", "0"], pre: [], build: "" };
  return parseStrictSemver(body);
}

export const goComparator: Comparator = {
  scheme: "go",
  compare: withInvalidFirst(parseGoVersion, (a, b) => compareSemverParts(a, b)),
  valid: (v) => parseGoVersion(v) !== undefined,
};
