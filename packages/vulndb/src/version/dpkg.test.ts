/**
 * Differential test: our dpkg ordering against the native implementations
 * running here — libapt-pkg (Debian's python3-apt, one process for the whole
 * batch) and `dpkg --compare-versions` itself on a smaller sample.
 */
import { describe, expect, it } from "vitest";
import { dpkgComparator } from "./dpkg.js";
import { debVersion } from "./testutil/grammars.js";
import {
  dpkgUnavailable,
  oracleUnavailable,
  runDpkg,
  runDpkgValidate,
  runOracle,
} from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "0",
  "1",
  "1.0",
  "1.0-0",
  "1.0-1",
  "1:1.0",
  "0:1.0",
  "1.0~rc1",
  "1.0~",
  "1.0~~",
  "1.0~~a",
  "1.0a",
  "1.0+",
  "1.0.",
  "1.0+dfsg",
  "1.0+b1",
  "1.00",
  "1.000001",
  "1.01",
  "2:0",
  "10:1",
  "1.0-1~bpo",
  "1.0-1+deb12u1",
  "1.0-1ubuntu0.1",
  "1.2.3-1.1",
  "1.0-a",
  "1.0-A",
  "1.0-+",
  "1.0-.",
  "9.99999999999999999999",
  "1.0.0~0",
];
const mismatches = (pairs: Array<[string, string]>, native: number[]): string[] =>
  pairs.flatMap(([a, b], i) => {
    const ours = Math.sign(dpkgComparator.compare(a, b));
    return ours === native[i] ? [] : [`${a} vs ${b}: ours ${ours}, native ${native[i]}`];
  });

/**
 * dpkg rejects an empty or non-numeric epoch, an empty upstream version and an
 * empty revision; apt then differs from dpkg (it orders "" below "0"). Such
 * pairs are left out of the apt comparison: dpkg's rules are the ones we follow.
 */
function dpkgParses(v: string): boolean {
  const colon = v.indexOf(":");
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const hyphen = rest.lastIndexOf("-");
  return (
    v !== "" &&
    !/\s/.test(v) &&
    (colon < 0 || /^[0-9]+$/.test(v.slice(0, colon))) &&
    (hyphen < 0 ? rest !== "" : hyphen > 0 && hyphen < rest.length - 1)
  );
}

describe("dpkg comparator", () => {
  const aptSkip = oracleUnavailable("apt");
  it.skipIf(aptSkip)(`matches libapt-pkg on 20,000 generated pairs ${aptSkip ?? ""}`, () => {
    const all = makePairs(new Prng(0xdeb), debVersion, 20_000, EDGE);
    const pairs = all.filter(([a, b]) => dpkgParses(a) && dpkgParses(b));
    expect(pairs.length).toBeGreaterThan(15_000);
    const native = runOracle("apt", pairs).map(Number);
    expect(mismatches(pairs, native)).toEqual([]);
  });

  const dpkgSkip = dpkgUnavailable();
  it.skipIf(dpkgSkip)(
    `matches dpkg --compare-versions on 2,000 generated pairs (the valid ones) ${dpkgSkip ?? ""}`,
    () => {
      const rng = new Prng(0xd9c6);
      const valid = (r: Prng): string => {
        for (;;) {
          const v = debVersion(r);
          if (dpkgComparator.valid(v)) return v;
        }
      };
      const pairs = makePairs(rng, valid, 2_000, EDGE).filter(
        ([a, b]) => dpkgComparator.valid(a) && dpkgComparator.valid(b),
      );
      expect(pairs.length).toBeGreaterThan(1_500);
      expect(mismatches(pairs, runDpkg(pairs))).toEqual([]);
    },
  );

  it.skipIf(dpkgSkip)(
    `accepts what dpkg --validate-version accepts on 2,000 generated strings ${dpkgSkip ?? ""}`,
    () => {
      const rng = new Prng(0xd9c7);
      const strings = [...EDGE, "", "a1.0", "1.0-", ":1.0", "1.0_1", "1.0-1_2", "x:1.0", "1:", "-1"];
      // Neighbours of generated versions (cut, respelled, with a stray character) are often malformed.
      strings.push(...makePairs(rng, debVersion, 800).flat());
      while (strings.length < 2_000) {
        const v = debVersion(rng);
        const i = rng.int(v.length + 1);
        strings.push(v.slice(0, i) + rng.pick(["_", "!", "@", " ", ":", "-", "", "~"]) + v.slice(i));
      }
      const native = runDpkgValidate(strings);
      expect(strings.filter((v, i) => dpkgComparator.valid(v) !== native[i])).toEqual([]);
      expect(native.filter((ok) => !ok).length).toBeGreaterThan(100);
    },
  );

  it("knows the documented rules", () => {
    const lt = (a: string, b: string) => expect(dpkgComparator.compare(a, b), `${a} < ${b}`).toBeLessThan(0);
    lt("1.0~rc1", "1.0");
    lt("1.0~~", "1.0~");
    lt("1.0", "1.0a");
    lt("1.0a", "1.0+");
    lt("9.9", "1:0.1");
    lt("1.0-1", "1.0-1+deb12u1");
    expect(dpkgComparator.compare("1.0", "1.0-0")).toBe(0);
    expect(dpkgComparator.compare("0:1.0", "1.0")).toBe(0);
  });

  it("validates like dpkg and never throws on garbage", () => {
    for (const v of ["1.0", "1:2.3-4", "2.0~rc1+dfsg-1~bpo11+1"])
      expect(dpkgComparator.valid(v), v).toBe(true);
    for (const v of ["", "a1.0", "1.0-", "x:1.0", "1 0", ":1.0", "1.0-1_2"])
      expect(dpkgComparator.valid(v), v).toBe(false);
    expect(() => dpkgComparator.compare("::--", "\u00e91")).not.toThrow();
  });
});
