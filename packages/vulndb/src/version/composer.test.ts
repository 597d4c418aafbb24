/**
 * Differential test: our Packagist ordering against Composer's own
 * VersionParser plus PHP's version_compare (Debian php-cli and
 * php-composer-semver), one process per batch.
 */
import { describe, expect, it } from "vitest";
import { composerComparator, normalizeComposer } from "./composer.js";
import { composerVersion } from "./testutil/grammars.js";
import { disagreements, oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "1",
  "1.0",
  "1.0.0",
  "1.0.0.0",
  "v1.0.0",
  "1.0.0-alpha",
  "1.0.0a1",
  "1.0.0-beta.2",
  "1.0.0-b2",
  "1.0.0-RC1",
  "1.0.0rc1",
  "1.0.0-patch1",
  "1.0.0-pl1",
  "1.0.0-p1",
  "1.0.0-dev",
  "1.0.x-dev",
  "1.0.0-stable",
  "1.0.0+build",
  "1.0.0@beta",
  "20230101",
  "2023.01.01",
  "2023-01-01-12",
  "dev-main",
  "1.0.0-beta1-dev",
  "1.0.0-alpha.1.2",
];

describe("Packagist (Composer) comparator", () => {
  const skip = oracleUnavailable("composer");
  it.skipIf(skip)(`matches Composer + version_compare on 20,000 generated pairs ${skip ?? ""}`, () => {
    const pairs = makePairs(new Prng(0xc0de), composerVersion, 20_000, EDGE);
    const native = runOracle("composer", pairs);
    // E: Composer rejects one of the versions; B: a branch, which Composer does not order. Ours must agree it is invalid.
    const rejected = pairs.filter((p, i) => native[i] === "E" || native[i] === "B");
    expect(rejected.filter(([a, b]) => composerComparator.valid(a) && composerComparator.valid(b))).toEqual(
      [],
    );
    expect(pairs.length - rejected.length).toBeGreaterThan(12_000);
    expect(disagreements(pairs, native, composerComparator.compare)).toEqual([]);
  });

  it("normalises like Composer", () => {
    expect(normalizeComposer("v1.2")).toBe("1.2.0.0");
    expect(normalizeComposer("1.0.0b2")).toBe("1.0.0.0-beta2");
    expect(normalizeComposer("1.0.x-dev")).toBe("1.0.9999999.9999999-dev");
    expect(normalizeComposer("dev-main")).toBeUndefined();
    expect(composerComparator.compare("1.0.0-dev", "1.0.0-alpha1")).toBeLessThan(0);
    expect(composerComparator.compare("1.0.0-p1", "1.0.0")).toBeGreaterThan(0);
  });
});
