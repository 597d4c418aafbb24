/**
 * Differential test: our crates.io ordering and validity against the `semver`
 * crate Cargo itself uses (Debian's librust-semver-dev, compiled here with rustc).
 */
import { describe, expect, it } from "vitest";
import { cargoComparator } from "./cargo.js";
import { semverVersion } from "./testutil/grammars.js";
import { disagreements, oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "0.0.0",
  "1.0.0",
  "1.0.0-0",
  "1.0.0-alpha",
  "1.0.0-alpha.1",
  "1.0.0-alpha.beta",
  "1.0.0-beta.11",
  "1.0.0-rc.1",
  "1.0.0-A",
  "1.0.0-01",
  "1.0.0-x-y",
  "1.0.0+build",
  "1.0.0+build.01",
  "01.0.0",
  "1.0",
  "v1.0.0",
  "1.0.0-",
  "1.0.0+",
  "1.0.0-a..b",
  " 1.0.0",
];

describe("crates.io comparator", () => {
  const skip = oracleUnavailable("cargo");
  it.skipIf(skip)(`orders like Cargo's semver crate on 20,000 generated pairs ${skip ?? ""}`, () => {
    const pairs = makePairs(new Prng(0xca60), semverVersion, 20_000, EDGE);
    const native = runOracle("cargo", pairs);
    expect(native.filter((n) => n !== "E").length).toBeGreaterThan(9_000);
    expect(disagreements(pairs, native, cargoComparator.compare)).toEqual([]);
  });

  it.skipIf(skip)(
    `accepts what Cargo's semver crate parses on 10,000 generated strings ${skip ?? ""}`,
    () => {
      const rng = new Prng(0xca61);
      const strings = [...EDGE, ...makePairs(rng, semverVersion, 5_000).flat()].slice(0, 10_000);
      const native = runOracle("cargo-valid", strings);
      expect(strings.filter((v, i) => (cargoComparator.valid(v) ? "1" : "0") !== native[i])).toEqual([]);
      expect(native.filter((n) => n === "0").length).toBeGreaterThan(1_000);
    },
  );
});
