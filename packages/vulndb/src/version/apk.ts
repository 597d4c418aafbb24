/**
 * Alpine/Wolfi/Chainguard package versions: the Gentoo-style grammar apk uses,
 * `N{.N}[letter]{_suffix[N]}[~hash][-rN]`, ordered by component:
 *  1. numeric components; after the first, a component with a leading zero is
 *     compared as a string with trailing zeros stripped (1.001 < 1.01 < 1.1),
 *     and a version with more components is newer (1.0 < 1.0.0);
 *  2. the optional lower-case letter (none < a < z);
 *  3. suffixes in order: _alpha < _beta < _pre < _rc < (none) < _cvs < _svn
 *     < _git < _hg < _p, then their numbers;
 *  4. the package revision -rN (missing = r0). A ~commit hash is ignored.
 */
import type { Comparator } from "./types.js";
import { compareDigits, compareStrings, withInvalidFirst } from "./numeric.js";

const SUFFIXES = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
/** Index of the bare release in the suffix order: below are pre-releases. */
const RELEASE_RANK = 4;
const PATTERN = new RegExp(
  `^([0-9]+)((?:\\.[0-9]+)*)([a-z]?)((?:_(?:${SUFFIXES.join("|")})[0-9]*)*)(?:~[0-9a-f]+)?(?:-r([0-9]+))?$`,
);

interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: Array<{ rank: number; n: string }>;
  revision: string;
}

export function parseApk(v: string): ApkVersion | undefined {
  const m = PATTERN.exec(v.trim());
  if (!m) return undefined;
  const suffixes = [...(m[4] ?? "").matchAll(/_([a-z]+)([0-9]*)/g)].map((s) => {
    const i = SUFFIXES.indexOf(s[1] ?? "");
    return { rank: i < RELEASE_RANK ? i : i + 1, n: s[2] || "0" };
  });
  return {
    numbers: [m[1] ?? "0", ...(m[2] ?? "").split(".").slice(1)],
    letter: m[3] ?? "",
    suffixes,
    revision: m[5] ?? "0",
  };
}

function compareComponent(a: string, b: string, first: boolean): number {
  if (!first && (a.startsWith("0") || b.startsWith("0"))) {
    return compareStrings(a.replace(/0+$/, ""), b.replace(/0+$/, ""));
  }
  return compareDigits(a, b);
}

function compareNumbers(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareComponent(a[i] ?? "0", b[i] ?? "0", i === 0);
    if (c) return c;
  }
  return a.length - b.length;
}

function compareSuffixes(a: ApkVersion["suffixes"], b: ApkVersion["suffixes"]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    // A missing suffix ranks as the bare release: above pre-releases, below post-releases.
    const c =
      (x?.rank ?? RELEASE_RANK) - (y?.rank ?? RELEASE_RANK) || compareDigits(x?.n ?? "0", y?.n ?? "0");
    if (c) return c;
  }
  return 0;
}

function compareParsed(a: ApkVersion, b: ApkVersion): number {
  return (
    compareNumbers(a.numbers, b.numbers) ||
    compareStrings(a.letter, b.letter) ||
    compareSuffixes(a.suffixes, b.suffixes) ||
    compareDigits(a.revision, b.revision)
  );
}

export const apkComparator: Comparator = {
  scheme: "apk",
  compare: withInvalidFirst(parseApk, compareParsed),
  valid: (v) => parseApk(v) !== undefined,
};
