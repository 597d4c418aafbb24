/**
 * Differential test: our rpm ordering against librpm itself through Debian's
 * python3-rpm (rpm.labelCompare on epoch/version/release), one process per batch.
 */
import { describe, expect, it } from "vitest";
import { rpmComparator } from "./rpm.js";
import { rpmVersion } from "./testutil/grammars.js";
import { oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "1",
  "1.0",
  "1.0-1",
  "1:1.0-1",
  "0:1.0-1",
  "1.0~rc1-1",
  "1.0^git1-1",
  "1.0^-1",
  "1.0~-1",
  "1.0a-1",
  "1.0.a-1",
  "1.0_1-1",
  "1.0+1-1",
  "1.01-1",
  "1.001-1",
  "1.0-1.el9",
  "1.0-1.el9_2",
  "1.0-10.el9",
  "a-1",
  "1..0-1",
  "1.0--1",
  "2.0-0.1.rc1.fc38",
  "1.0^20230101-1",
  "1.0~~-1",
  "1.0.0-1",
  "99999999999999999999-1",
];

describe("rpm comparator", () => {
  const skip = oracleUnavailable("rpm");
  it.skipIf(skip)(`matches librpm labelCompare on 20,000 generated pairs ${skip ?? ""}`, () => {
    const pairs = makePairs(new Prng(0x4e7), rpmVersion, 20_000, EDGE);
    const native = runOracle("rpm", pairs);
    // librpm raises on an empty version; those pairs only have to not throw here.
    const rejected = native.filter((n) => n === "E").length;
    expect(rejected).toBeLessThan(pairs.length / 50);
    const bad = pairs.flatMap(([a, b], i) => {
      if (native[i] === "E") return [];
      const ours = String(Math.sign(rpmComparator.compare(a, b)));
      return ours === native[i] ? [] : [`${a} vs ${b}: ours ${ours}, librpm ${native[i]}`];
    });
    expect(bad).toEqual([]);
  });

  it("knows the documented rules", () => {
    const lt = (a: string, b: string) => expect(rpmComparator.compare(a, b), `${a} < ${b}`).toBeLessThan(0);
    lt("1.0~rc1-1", "1.0-1");
    lt("1.0-1", "1.0^git1-1");
    lt("1.0^git1-1", "1.0.1-1");
    lt("1.0a-1", "1.0.1-1");
    lt("9.9-1", "1:0.1-1");
    expect(rpmComparator.compare("1.0_1-1", "1.0.1-1")).toBe(0);
    expect(rpmComparator.compare("1.01-1", "1.1-1")).toBe(0);
  });

  it("validates and never throws on garbage", () => {
    for (const v of ["1.0-1.el9", "2:4.18.0-1", "1.0~rc1^git2-3"])
      expect(rpmComparator.valid(v), v).toBe(true);
    for (const v of ["", "-1", "1-2-3", "x:1.0", "1 0-1"]) expect(rpmComparator.valid(v), v).toBe(false);
    expect(() => rpmComparator.compare("::--", "\u00e91")).not.toThrow();
  });
});
