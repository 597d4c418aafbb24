/**
 * Packagist (Composer) versions: normalised as Composer's VersionParser does
 * (optional v, one to four numbers padded to four, stability modifiers
 * alpha/a, beta/b, RC, patch/pl/p, a -dev suffix, build metadata dropped,
 * numeric x.y.x-dev branches), then ordered with PHP's version_compare rules:
 * dev < alpha < beta < RC < (number) < patch. Named branches (dev-main) have
 * no place in a version order and are treated as invalid.
 */
import type { Comparator } from "./types.js";
import { compareDigits, isDigit, sign, withInvalidFirst } from "./numeric.js";

// The stability number is digit runs with a separator between runs: "(?:[.-]?[0-9]+)*" says the
// same but lets a long digit run split in exponentially many ways (found by `npm run fuzz --
// versions`: "1.0a1" + 140 nines + ".0a1" never finished).
const MODIFIER =
  "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+(?:[.-][0-9]+)*)?))?([.-]?dev)?";
const CLASSIC = new RegExp(`^v?([0-9]{1,5})(\\.[0-9]+)?(\\.[0-9]+)?(\\.[0-9]+)?${MODIFIER}$`, "i");
const DATE = new RegExp(`^v?([0-9]{4}(?:[.:-]?[0-9]{2}){1,6}(?:[.:-]?[0-9]{1,3})?)${MODIFIER}$`, "i");
const BRANCH = /^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?$/i;
const STABILITY: Record<string, string> = { a: "alpha", b: "beta", p: "patch", pl: "patch", rc: "RC" };

function withModifiers(version: string, stability?: string, number?: string, dev?: string): string {
  let v = version;
  if (stability) {
    if (stability === "stable") return v; // case-sensitive, as in Composer
    const s = stability.toLowerCase();
    v += `-${STABILITY[s] ?? s}${(number ?? "").replace(/^[.-]+/, "")}`;
  }
  return dev ? `${v}-dev` : v;
}

/** Composer's normalised form, or undefined for branches and invalid strings. */
export function normalizeComposer(input: string): string | undefined {
  let v = input.trim().replace(/@(?:stable|RC|beta|alpha|dev)$/i, "");
  if (/^dev-/i.test(v) || ["master", "trunk", "default"].includes(v)) return undefined;
  v = v.replace(/^([^,\s+]+)\+\S+$/, "$1");
  let m = CLASSIC.exec(v);
  if (m) return withModifiers(`${m[1]}${m[2] || ".0"}${m[3] || ".0"}${m[4] || ".0"}`, m[5], m[6], m[7]);
  m = DATE.exec(v);
  if (m) return withModifiers((m[1] ?? "").replace(/[^0-9]/g, "."), m[2], m[3], m[4]);
  const dev = /^(.*?)[.-]?dev$/i.exec(v);
  const branch = dev ? BRANCH.exec(dev[1] ?? "") : null;
  if (!branch) return undefined;
  const parts = [branch[1], branch[2], branch[3], branch[4]].map((p) =>
    p === undefined ? "9999999" : p.replace(/^\./, "").replace(/^[xX*]$/, "9999999"),
  );
  return `${parts.join(".")}-dev`;
}

/** PHP's version_compare special forms; a number ranks as "#". */
function formOrder(segment: string): number {
  const forms: Array<[string, number]> = [
    ["dev", 0],
    ["alpha", 1],
    ["a", 1],
    ["beta", 2],
    ["b", 2],
    ["RC", 3],
    ["rc", 3],
    ["#", 4],
    ["pl", 5],
    ["p", 5],
  ];
  return forms.find(([name]) => segment.startsWith(name))?.[1] ?? -1;
}

/** PHP's canonical segments: separators and digit/letter boundaries split. */
function phpSegments(v: string): string[] {
  return v.match(/[0-9]+|[A-Za-z]+/g) ?? [];
}

export function phpVersionCompare(a: string, b: string): number {
  const x = phpSegments(a);
  const y = phpSegments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] ?? "";
    const q = y[i] ?? "";
    const c =
      isDigit(p[0]) && isDigit(q[0])
        ? compareDigits(p, q)
        : formOrder(isDigit(p[0]) ? "#" : p) - formOrder(isDigit(q[0]) ? "#" : q);
    if (c) return sign(c);
  }
  // The longer one wins if it goes on with a number or a patch level, loses if with dev/alpha/beta/RC.
  if (x.length === y.length) return 0;
  const rest = x.length > y.length ? (x[y.length] ?? "") : (y[x.length] ?? "");
  const longerIsGreater = isDigit(rest[0]) || formOrder(rest) > 4;
  return x.length > y.length === longerIsGreater ? 1 : -1;
}

export const composerComparator: Comparator = {
  scheme: "composer",
  compare: withInvalidFirst(normalizeComposer, phpVersionCompare),
  valid: (v) => normalizeComposer(v) !== undefined,
};
