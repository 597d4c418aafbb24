/**
 * Python versions per PEP 440 (the rules of `packaging.version.Version`):
 * [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with the alternative spellings
 * the PEP normalises (alpha, c, pre, preview, rev, r, "-N" post releases,
 * separators - _ ., implicit numbers, a leading v, case, surrounding whitespace).
 */
import type { Comparator } from "./types.js";
import { compareDigits, compareStrings, withInvalidFirst } from "./numeric.js";

const PATTERN = new RegExp(
  "^v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)" +
    "(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?" +
    "(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?" +
    "(?:[-_.]?(dev)[-_.]?([0-9]+)?)?" +
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$",
  "i",
);

/** Missing parts sort as -inf or +inf depending on the part (see toKey). */
const NEG = -1;
const POS = 1;
type Bound = typeof NEG | typeof POS;

interface Pep440Key {
  epoch: string;
  release: string[];
  pre: Bound | { rank: number; n: string };
  post: Bound | string;
  dev: Bound | string;
  local: Bound | string[];
}

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

export function parsePep440(v: string): Pep440Key | undefined {
  const m = PATTERN.exec(v.trim());
  if (!m) return undefined;
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  const release0 = (release ?? "0").split(".");
  while (release0.length > 1 && /^0+$/.test(release0[release0.length - 1] ?? "")) release0.pop();
  const hasPost = postN1 !== undefined || postL !== undefined;
  return {
    epoch: epoch ?? "0",
    release: release0,
    // A dev release of a final version (1.0.dev1) sorts before its pre-releases.
    pre: preL ? { rank: PRE_RANK[preL.toLowerCase()] ?? 0, n: preN ?? "0" } : !hasPost && devL ? NEG : POS,
    post: hasPost ? (postN1 ?? postN2 ?? "0") : NEG,
    dev: devL ? (devN ?? "0") : POS,
    local: local ? local.toLowerCase().split(/[-_.]/) : NEG,
  };
}

function compareRelease(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareDigits(a[i] ?? "0", b[i] ?? "0");
    if (c) return c;
  }
  return a.length - b.length;
}

function compareBound<T>(a: Bound | T, b: Bound | T, inner: (x: T, y: T) => number): number {
  const ab = typeof a === "number";
  const bb = typeof b === "number";
  if (ab || bb) return (ab ? (a as number) : 0) - (bb ? (b as number) : 0);
  return inner(a as T, b as T);
}

/** Local segments: numbers sort above strings, strings by code unit, a prefix first. */
function compareLocal(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    const c = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : compareStrings(x, y);
    if (c) return c;
  }
  return a.length - b.length;
}

function compareKeys(a: Pep440Key, b: Pep440Key): number {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareBound(a.pre, b.pre, (x, y) => x.rank - y.rank || compareDigits(x.n, y.n)) ||
    compareBound(a.post, b.post, compareDigits) ||
    compareBound(a.dev, b.dev, compareDigits) ||
    compareBound(a.local, b.local, compareLocal)
  );
}

export const pep440Comparator: Comparator = {
  scheme: "pep440",
  compare: withInvalidFirst(parsePep440, compareKeys),
  valid: (v) => parsePep440(v) !== undefined,
};
