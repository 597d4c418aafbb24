/**
 * Debian package versions ([epoch:]upstream[-revision]) ordered as dpkg does
 * (deb-version(7)): numeric epochs, then upstream and revision compared with
 * alternating non-digit / digit runs where `~` sorts before everything, even
 * the end of the string, and letters sort before other characters.
 */
import type { Comparator } from "./types.js";
import { isAsciiLetter, isDigit, memoize, sign } from "./numeric.js";

interface DebVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

/**
 * Splits without judging: the epoch is everything before the first colon and
 * the revision everything after the last hyphen, which is how dpkg and apt
 * split even malformed strings; compare() can therefore order anything.
 */
function split(v: string): DebVersion {
  const s = v.trim();
  const colon = s.indexOf(":");
  const epoch = colon >= 0 ? s.slice(0, colon) : "0";
  const rest = colon >= 0 ? s.slice(colon + 1) : s;
  const hyphen = rest.lastIndexOf("-");
  if (hyphen < 0) return { epoch: epoch || "0", upstream: rest, revision: "" };
  return { epoch: epoch || "0", upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

/** Weight of one character in a non-digit run; undefined is the end of the string. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (c === "~") return -1;
  if (isAsciiLetter(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp: the comparison of an upstream version or a revision. */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

const splitCached = memoize(split);

export function compareDeb(a: string, b: string): number {
  const x = splitCached(a);
  const y = splitCached(b);
  return sign(
    verrevcmp(x.epoch, y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision),
  );
}

const EPOCH = /^[0-9]+$/;
const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

/** The syntax dpkg accepts without complaint (deb-version(7)). */
export function validDeb(v: string): boolean {
  const s = v.trim();
  if (s === "" || /\s/.test(s)) return false;
  const colon = s.indexOf(":");
  if (colon >= 0 && !EPOCH.test(s.slice(0, colon))) return false;
  const rest = colon >= 0 ? s.slice(colon + 1) : s;
  const hyphen = rest.lastIndexOf("-");
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  if (!UPSTREAM.test(upstream)) return false;
  return hyphen < 0 || REVISION.test(rest.slice(hyphen + 1));
}

export const dpkgComparator: Comparator = { scheme: "deb", compare: compareDeb, valid: validDeb };
