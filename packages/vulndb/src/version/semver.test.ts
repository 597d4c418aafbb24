/**
 * Differential test: our own SemVer precedence code (used by the Go, Cargo and
 * NuGet comparators) against node-semver, the implementation npm runs. The npm
 * comparator wraps node-semver itself, so for it we test the wrapper's choices.
 */
import semver from "semver";
import { describe, expect, it } from "vitest";
import { cargoComparator } from "./cargo.js";
import { goComparator } from "./go.js";
import { nugetComparator } from "./nuget.js";
import { semverComparator } from "./semver.js";
import { goVersion, semverVersion } from "./testutil/grammars.js";
import { makePairs, Prng } from "./testutil/prng.js";
import type { Comparator } from "./types.js";

const EDGE = [
  "0.0.0",
  "1.0.0",
  "1.0.0-0",
  "1.0.0-alpha",
  "1.0.0-alpha.1",
  "1.0.0-alpha.beta",
  "1.0.0-beta",
  "1.0.0-beta.2",
  "1.0.0-beta.11",
  "1.0.0-rc.1",
  "1.0.0-A",
  "1.0.0-a",
  "1.0.0-1",
  "1.0.0-01a",
  "1.0.0-x-y",
  "1.0.0+build",
  "1.0.0-alpha+b",
  "2.0.0",
  "10.0.0",
  "1.10.0",
  "1.0.10",
];

function differential(name: string, cmp: Comparator, edge: string[], seed: number, gen: (r: Prng) => string) {
  it(`${name}: orders like node-semver on 20,000 generated pairs (those node-semver accepts)`, () => {
    const all = makePairs(new Prng(seed), gen, 20_000, edge);
    const pairs = all.filter(([a, b]) => semver.valid(a) && semver.valid(b));
    expect(pairs.length).toBeGreaterThan(9_000);
    const bad = pairs.flatMap(([a, b]) => {
      const ours = Math.sign(cmp.compare(a, b));
      const native = semver.compare(a, b);
      return ours === native ? [] : [`${a} vs ${b}: ours ${ours}, node-semver ${native}`];
    });
    expect(bad).toEqual([]);
  });
}

describe("SemVer-family comparators", () => {
  differential("cargo", cargoComparator, EDGE, 0x5e1, semverVersion);
  differential(
    "go (v-prefixed, pseudo-versions, +incompatible)",
    goComparator,
    EDGE.map((v) => "v" + v),
    0x60,
    goVersion,
  );
  differential(
    "nuget (on SemVer input with lower-case pre-releases)",
    nugetComparator,
    EDGE.map((v) => v.toLowerCase()),
    0x9e7,
    (r) => semverVersion(r).toLowerCase(),
  );

  it("npm: strict node-semver, loose fallback, invalid strings first", () => {
    expect(semverComparator.valid("1.2.3")).toBe(true);
    expect(semverComparator.valid("v1.2.3")).toBe(true); // npm itself accepts and cleans a leading v
    expect(semverComparator.valid("1.2")).toBe(false);
    expect(semverComparator.compare("=1.2.3", "1.2.3")).toBe(0);
    expect(semverComparator.compare("1.2.3-beta.2", "1.2.3-beta.10")).toBeLessThan(0);
    expect(semverComparator.compare("1.2", "0.0.1")).toBeLessThan(0);
    expect(semverComparator.compare("garbage", "other")).toBeLessThan(0);
    expect(semverComparator.compare("1.0.0+a", "1.0.0+b")).toBe(0);
  });

  it("go: Go's own rules beyond SemVer", () => {
    expect(goComparator.compare("v1.2", "v1.2.0")).toBe(0);
    expect(goComparator.compare("v1", "1.0.0")).toBe(0);
    expect(goComparator.compare("v2.0.0+incompatible", "v2.0.0")).toBe(0);
    expect(goComparator.compare("v0.0.0-20230101000000-abcdef123456", "v0.0.1")).toBeLessThan(0);
    expect(goComparator.compare("v1.2.4-0.20230101000000-abcdef123456", "v1.2.3")).toBeGreaterThan(0);
    expect(
      goComparator.compare("v1.2.4-0.20230101000000-abcdef123456", "v1.2.4-0.20230201000000-0bcdef123456"),
    ).toBeLessThan(0);
    expect(goComparator.compare("go1.17.2", "1.17.2")).toBe(0);
    expect(goComparator.compare("go1.21rc1", "1.21.0")).toBeLessThan(0);
    expect(goComparator.compare("go1.21", "1.21.0")).toBe(0);
    expect(goComparator.valid("v1.02.0")).toBe(false);
    expect(goComparator.valid("v1.2-pre")).toBe(false);
    expect(goComparator.compare("vx", "v0.0.0")).toBeLessThan(0);
  });

  it("nuget: four parts, leading zeros, case-insensitive labels", () => {
    expect(nugetComparator.compare("1.0", "1.0.0.0")).toBe(0);
    expect(nugetComparator.compare("1.01", "1.1")).toBe(0);
    expect(nugetComparator.compare("1.0.0.1", "1.0.0")).toBeGreaterThan(0);
    expect(nugetComparator.compare("1.0.0-BETA", "1.0.0-beta")).toBe(0);
    expect(nugetComparator.compare("1.0.0-beta", "1.0.0")).toBeLessThan(0);
    expect(nugetComparator.valid("1.0.0.0.0")).toBe(false);
  });

  it("cargo: accepts what node-semver's strict mode accepts, minus its v/= prefixes, on 20,000 strings", () => {
    const rng = new Prng(0xca4);
    const strings = makePairs(rng, semverVersion, 10_000, EDGE).flat();
    const bad = strings.filter(
      (v) => cargoComparator.valid(v) !== (semver.valid(v) !== null && !/^\s*[v=]/.test(v)),
    );
    expect(bad).toEqual([]);
    expect(strings.filter((v) => !cargoComparator.valid(v)).length).toBeGreaterThan(1_000);
  });

  it("cargo: strict SemVer only", () => {
    expect(cargoComparator.valid("1.2.3")).toBe(true);
    for (const v of ["v1.2.3", "1.2", "01.2.3", "1.2.3-"]) expect(cargoComparator.valid(v), v).toBe(false);
  });
});
