/**
 * Differential test: our Maven ordering against Maven's own ComparableVersion
 * (Debian's libmaven3-core-java, Maven 3.8), run once per batch under Java.
 */
import { describe, expect, it } from "vitest";
import { mavenComparator } from "./maven.js";
import { mavenVersion } from "./testutil/grammars.js";
import { disagreements, oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "1",
  "1.0",
  "1.0.0",
  "1-0",
  "1.0-0",
  "1-ga",
  "1-final",
  "1.release",
  "1-alpha",
  "1-a1",
  "1-alpha-1",
  "1alpha1",
  "1-beta",
  "1-b1",
  "1-milestone",
  "1-m1",
  "1-rc",
  "1-cr",
  "1-snapshot",
  "1-SNAPSHOT",
  "1-sp",
  "1-sp1",
  "1-foo",
  "1-foo2",
  "1-foo10",
  "1-1",
  "1.1",
  "1-1.foo-bar1baz-.1",
  "1.0.RC1",
  "1.0-RC1",
  "1.0.0.Final",
  "2.0",
  "1-",
  "1..1",
  ".1",
  "-1",
  "1.0-alpha.beta",
  "1.x",
  "1.0.0-20230101.123456-1",
];

describe("Maven comparator", () => {
  const skip = oracleUnavailable("maven");
  it.skipIf(skip)(`matches ComparableVersion on 20,000 generated pairs ${skip ?? ""}`, () => {
    const pairs = makePairs(new Prng(0x3a7e), mavenVersion, 20_000, EDGE);
    const native = runOracle("maven", pairs);
    expect(disagreements(pairs, native, mavenComparator.compare)).toEqual([]);
  });

  it("follows the documented order", () => {
    const chain = [
      "1-alpha",
      "1-beta",
      "1-milestone",
      "1-rc",
      "1-snapshot",
      "1",
      "1-sp",
      "1-foo",
      "1-1",
      "1.1",
    ];
    for (let i = 0; i + 1 < chain.length; i++) {
      expect(
        mavenComparator.compare(chain[i] as string, chain[i + 1] as string),
        `${chain[i]} < ${chain[i + 1]}`,
      ).toBeLessThan(0);
    }
    expect(mavenComparator.compare("1.0.0", "1-ga")).toBe(0);
    expect(mavenComparator.compare("1-cr1", "1-rc1")).toBe(0);
    expect(mavenComparator.compare("1-a1", "1-alpha-1")).toBe(0);
    expect(mavenComparator.valid(" ")).toBe(false);
  });
});
