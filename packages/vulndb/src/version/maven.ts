/**
 * Maven versions, ordered as Maven 3.8's ComparableVersion (the "Version Order
 * Specification" in Maven's documentation): the string is split on '.', '-' and
 * digit/letter transitions into a tree — '-', transitions and a qualifier that
 * follows other items open a sub-list —
 * trailing "null" items (0, "", ga, final, release) are dropped, and items compare
 * number > sub-list > qualifier, with the qualifiers
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp
 * and any other qualifier after those, alphabetically. Every string is a Maven
 * version, so valid() only rejects blanks and whitespace.
 */
import type { Comparator } from "./types.js";
import { compareDigits, compareStrings, isDigit, memoize, sign } from "./numeric.js";

type Item =
  { kind: "int"; digits: string } | { kind: "str"; value: string } | { kind: "list"; items: Item[] };

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const ALIASES: Record<string, string> = { ga: "", final: "", release: "", cr: "rc" };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(""));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  // a1, b2, m3: single-letter shorthands, only when a number follows directly.
  if (followedByDigit && v.length === 1) v = { a: "alpha", b: "beta", m: "milestone" }[v] ?? v;
  return { kind: "str", value: ALIASES[v] ?? v };
}

function parseItem(isNumber: boolean, buf: string): Item {
  return isNumber ? { kind: "int", digits: buf.replace(/^0+(?=.)/, "") } : stringItem(buf, false);
}

function isNull(item: Item): boolean {
  if (item.kind === "int") return /^0+$/.test(item.digits);
  if (item.kind === "str") return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

/** Drops trailing null items, looking past nested lists (so 1.0-alpha = 1-alpha). */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as Item;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== "list") break;
  }
}

export function parseMaven(version: string): Item[] {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const openSublist = (): void => {
    const sub: Item[] = [];
    list.push({ kind: "list", items: sub });
    list = sub;
    stack.push(sub);
  };
  let number = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === "." || c === "-") {
      list.push(i === start ? { kind: "int", digits: "0" } : parseItem(number, v.slice(start, i)));
      start = i + 1;
      if (c === "-") openSublist();
    } else if (isDigit(c)) {
      if (!number && i > start) {
        // A qualifier after other items starts its own sub-list (Maven 3.8: 1.0.RC1 = 1.0-RC1).
        if (list.length > 0) openSublist();
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        openSublist();
      }
      number = true;
    } else {
      if (number && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        openSublist();
      }
      number = false;
    }
  }
  if (v.length > start) {
    if (!number && list.length > 0) openSublist();
    list.push(parseItem(number, v.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i] as Item[]);
  return root;
}

/** Compares an item with another one or with nothing (the shorter side of a list). */
function compareItem(a: Item, b: Item | undefined): number {
  if (a.kind === "int") {
    if (b === undefined) return isNull(a) ? 0 : 1;
    return b.kind === "int" ? compareDigits(a.digits, b.digits) : 1;
  }
  if (a.kind === "str") {
    if (b === undefined) return compareStrings(comparableQualifier(a.value), RELEASE_INDEX);
    return b.kind === "str" ? compareStrings(comparableQualifier(a.value), comparableQualifier(b.value)) : -1;
  }
  if (b === undefined) {
    // A sub-list against nothing: its first item that is not "null" decides.
    for (const item of a.items) {
      const c = compareItem(item, undefined);
      if (c) return c;
    }
    return 0;
  }
  if (b.kind === "int") return -1;
  if (b.kind === "str") return 1;
  return compareLists(a.items, b.items);
}

function compareLists(a: Item[], b: Item[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = a[i];
    const r = b[i];
    const c = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
    if (c) return c;
  }
  return 0;
}

const parseCached = memoize(parseMaven);

export const mavenComparator: Comparator = {
  scheme: "maven",
  compare: (a, b) => sign(compareLists(parseCached(a), parseCached(b))),
  valid: (v) => v.trim() !== "" && !/\s/.test(v),
};
