/**
 * Differential test: our RubyGems ordering and validity against Ruby's own
 * Gem::Version (Debian's ruby), one process per batch.
 */
import { describe, expect, it } from "vitest";
import { gemComparator } from "./gem.js";
import { gemVersion } from "./testutil/grammars.js";
import { disagreements, oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "",
  "0",
  "1",
  "1.0",
  "1.0.0",
  "1.0.a",
  "1.0.A",
  "1.0.pre",
  "1.0.rc1",
  "1.0.rc.1",
  "1.0.0.rc1",
  "1.0-alpha",
  "1.0-1",
  "1.0.a.0",
  "1.0.b",
  "1.a",
  "1.0.1",
  "01",
  "1.01",
  " 1.0 ",
  "1..0",
  "a",
  "1.0-",
  "1.0.0.0.0.1",
];

describe("RubyGems comparator", () => {
  const skip = oracleUnavailable("gem");
  it.skipIf(skip)(`matches Gem::Version on 20,000 generated pairs ${skip ?? ""}`, () => {
    const all = makePairs(new Prng(0x9e3), gemVersion, 20_000, EDGE);
    const pairs = all.filter(([a, b]) => gemComparator.valid(a) && gemComparator.valid(b));
    expect(pairs.length).toBeGreaterThan(12_000);
    expect(disagreements(pairs, runOracle("gem", pairs), gemComparator.compare)).toEqual([]);
  });

  it.skipIf(skip)(
    `accepts what Gem::Version.correct? accepts on 10,000 generated strings ${skip ?? ""}`,
    () => {
      const rng = new Prng(0x9e4);
      const strings = [...EDGE];
      while (strings.length < 10_000) strings.push(gemVersion(rng));
      const native = runOracle("gem-valid", strings);
      const bad = strings.filter((v, i) => (gemComparator.valid(v) ? "1" : "0") !== native[i]);
      expect(bad).toEqual([]);
      expect(native.filter((n) => n === "0").length).toBeGreaterThan(100);
    },
  );

  it("orders pre-releases below releases, garbage first", () => {
    expect(gemComparator.compare("1.0.a", "1.0")).toBeLessThan(0);
    expect(gemComparator.compare("1.0", "1.0.0")).toBe(0);
    expect(gemComparator.compare("1.0-1", "1.0.pre.1")).toBe(0);
    expect(gemComparator.compare("not!valid", "0")).toBeLessThan(0);
  });
});
