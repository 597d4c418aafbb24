/**
 * RubyGems versions (Gem::Version): dot-separated segments of digits or
 * letters; a "-" starts a pre-release (it reads as ".pre."); any letter
 * segment makes the version a pre-release. Trailing zeros of the release part
 * and of the pre-release part are dropped, then segments compare pairwise with
 * missing ones as 0: numbers numerically, letters by byte order, a letter
 * segment below a number (so 1.0.a < 1.0 < 1.0.1).
 */
import type { Comparator } from "./types.js";
import { compareDigits, compareStrings, withInvalidFirst } from "./numeric.js";

const PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;

type Segment = string; // digits or letters

const isNum = (s: Segment): boolean => /^[0-9]/.test(s);

function dropTrailingZeros(segs: Segment[]): Segment[] {
  let end = segs.length;
  while (end > 0 && isNum(segs[end - 1] ?? "") && /^0+$/.test(segs[end - 1] ?? "")) end--;
  return segs.slice(0, end);
}

export function parseGem(v: string): Segment[] | undefined {
  const m = PATTERN.exec(v);
  if (!m) return undefined;
  const text = (m[1] ?? "0").replaceAll("-", ".pre.");
  const segs = text.match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstString = segs.findIndex((s) => !isNum(s));
  const split = firstString < 0 ? segs.length : firstString;
  return [...dropTrailingZeros(segs.slice(0, split)), ...dropTrailingZeros(segs.slice(split))];
}

function compareSegments(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = a[i] ?? "0";
    const r = b[i] ?? "0";
    const ln = isNum(l);
    const rn = isNum(r);
    const c = ln && rn ? compareDigits(l, r) : ln !== rn ? (ln ? 1 : -1) : compareStrings(l, r);
    if (c) return c;
  }
  return 0;
}

export const gemComparator: Comparator = {
  scheme: "gem",
  compare: withInvalidFirst(parseGem, compareSegments),
  valid: (v) => PATTERN.test(v),
};
