/**
 * Helpers shared by the comparators. Digit runs are compared as strings so that
 * arbitrarily long numbers (dates, build stamps) never overflow or lose precision.
 */

/** Compares two runs of ASCII digits by numeric value. */
export function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

/** Plain code-unit order, used to keep garbage totally ordered. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * Builds `compare` for parser-based schemes: invalid strings sort before every
 * valid version, and among themselves by code-unit order, so the order stays total.
 */
export function withInvalidFirst<T>(
  parse: (v: string) => T | undefined,
  compareParsed: (a: T, b: T) => number,
): (a: string, b: string) => number {
  const cached = memoize(parse);
  return (a, b) => {
    const pa = cached(a);
    const pb = cached(b);
    if (pa === undefined || pb === undefined) {
      if (pa !== undefined) return 1;
      if (pb !== undefined) return -1;
      return compareStrings(a, b);
    }
    return sign(compareParsed(pa, pb));
  };
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

export function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

/**
 * Remembers parses: a scan compares the same few versions (the installed one,
 * each advisory's bounds) many times. Bounded so a long-lived process stays small.
 */
export function memoize<T>(parse: (v: string) => T, max = 20_000): (v: string) => T {
  const cache = new Map<string, T>();
  return (v) => {
    if (cache.has(v)) return cache.get(v) as T;
    const parsed = parse(v);
    if (cache.size >= max) cache.clear();
    cache.set(v, parsed);
    return parsed;
  };
}
