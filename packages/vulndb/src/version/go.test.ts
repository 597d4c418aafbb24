/**
 * Differential test: our Go module version ordering and validity against
 * golang.org/x/mod/semver, the package the go command itself uses (Debian's
 * golang-golang-x-mod-dev, compiled here with Debian's Go).
 */
import { describe, expect, it } from "vitest";
import { goComparator, goToolchainToSemver } from "./go.js";
import { goVersion } from "./testutil/grammars.js";
import { disagreements, oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, type Prng, Prng as Rng } from "./testutil/prng.js";

const EDGE = [
  "v0.0.0",
  "v1",
  "v1.2",
  "v1.2.0",
  "v1.2.3",
  "v1.2.3-pre",
  "v1.2.3-pre.1",
  "v1.2.3+meta",
  "v2.0.0+incompatible",
  "v0.0.0-20191109021931-daa7c04131f5",
  "v1.2.4-0.20191109021931-daa7c04131f5",
  "v1.02.3",
  "v1.2-pre",
  "v1.2.3-",
  "v1.2.3-01",
  "vx",
  "v",
  "1.2.3",
];

/** Go versions plus the malformed spellings x/mod must reject. */
function goOrGarbage(rng: Prng): string {
  const v = goVersion(rng);
  if (!rng.chance(0.15)) return v;
  return rng.pick([
    v.replace(/^v/, "v0"),
    v.replace(/\.\d+$/, ""),
    `${v}-`,
    v.replace(/^v(\d+)\.(\d+).*/, "v$1.$2"),
    v + ".1",
  ]);
}

describe("Go comparator", () => {
  const skip = oracleUnavailable("go");
  it.skipIf(skip)(`matches x/mod/semver.Compare on 20,000 generated pairs ${skip ?? ""}`, () => {
    const pairs = makePairs(new Rng(0x90), goOrGarbage, 20_000, EDGE).filter(
      ([a, b]) => a.startsWith("v") && b.startsWith("v"),
    );
    const native = runOracle("go", pairs);
    // x/mod treats all invalid strings as equal; we order them by text, so such pairs are left out.
    const comparable = pairs.filter(([a, b]) => goComparator.valid(a) || goComparator.valid(b));
    expect(comparable.length).toBeGreaterThan(15_000);
    const nativeFor = new Map(pairs.map((p, i) => [p.join("\u0000"), native[i] ?? ""]));
    const bad = disagreements(
      comparable,
      comparable.map((p) => nativeFor.get(p.join("\u0000")) ?? ""),
      goComparator.compare,
    );
    expect(bad).toEqual([]);
  });

  it.skipIf(skip)(
    `accepts what x/mod/semver.IsValid accepts on 10,000 v-prefixed strings ${skip ?? ""}`,
    () => {
      const rng = new Rng(0x91);
      const strings = EDGE.filter((v) => v.startsWith("v"));
      while (strings.length < 10_000) strings.push(goOrGarbage(rng));
      const native = runOracle("go-valid", strings);
      expect(strings.filter((v, i) => (goComparator.valid(v) ? "1" : "0") !== native[i])).toEqual([]);
      expect(native.filter((n) => n === "0").length).toBeGreaterThan(300);
    },
  );

  it("maps Go toolchain versions the way the go command does", () => {
    expect(goToolchainToSemver("go1.17.2")).toBe("1.17.2");
    expect(goToolchainToSemver("go1.21")).toBe("1.21.0");
    expect(goToolchainToSemver("go1.21rc1")).toBe("1.21.0-rc.1");
    expect(goToolchainToSemver("go1.9beta2")).toBe("1.9.0-beta.2");
    expect(goToolchainToSemver("devel")).toBeUndefined();
  });
});
