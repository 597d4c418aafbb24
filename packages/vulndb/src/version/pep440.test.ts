/**
 * Differential test: our PEP 440 ordering and validity against Debian's
 * python3-packaging (packaging.version.Version), one process per batch.
 */
import { describe, expect, it } from "vitest";
import { pep440Comparator } from "./pep440.js";
import { pep440Version } from "./testutil/grammars.js";
import { oracleUnavailable, runOracle } from "./testutil/oracle.js";
import { makePairs, Prng } from "./testutil/prng.js";

const EDGE = [
  "1",
  "1.0",
  "1.0.0",
  "1!0.1",
  "0!1.0",
  "1.0a1",
  "1.0alpha1",
  "1.0-a-1",
  "1.0b",
  "1.0c1",
  "1.0rc1",
  "1.0pre1",
  "1.0preview1",
  "1.0.dev0",
  "1.0.dev1",
  "1.0a1.dev1",
  "1.0.post1",
  "1.0-1",
  "1.0rev1",
  "1.0r",
  "1.0.post1.dev1",
  "1.0+local",
  "1.0+1",
  "1.0+a.1",
  "1.0+1.a",
  "1.0+A",
  "1.0+a-1",
  "1.0+a_1",
  "v1.0",
  "V1.0",
  " 1.0 ",
  "1.0RC1",
  "1.0.0.0.1",
  "01.0",
  "1.00",
  "1.0_post_1",
  "1.0-post-1",
  "1.0.DEV",
  "1.0+",
  "1.0-",
  "1..0",
  "a1",
];

describe("PEP 440 comparator", () => {
  const skip = oracleUnavailable("pep440");
  it.skipIf(skip)(`orders like packaging.version on 20,000 generated pairs ${skip ?? ""}`, () => {
    const all = makePairs(new Prng(0x440), pep440Version, 20_000, EDGE);
    // packaging rejects invalid versions; those pairs are checked by the validity test below.
    const pairs = all.filter(([a, b]) => pep440Comparator.valid(a) && pep440Comparator.valid(b));
    expect(pairs.length).toBeGreaterThan(10_000);
    const native = runOracle("pep440", pairs);
    const bad = pairs.flatMap(([a, b], i) => {
      const ours = String(Math.sign(pep440Comparator.compare(a, b)));
      return ours === native[i]
        ? []
        : [`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ours ${ours}, packaging ${native[i]}`];
    });
    expect(bad).toEqual([]);
  });

  it.skipIf(skip)(
    `accepts exactly what packaging.version accepts on 10,000 generated strings ${skip ?? ""}`,
    () => {
      const rng = new Prng(0x441);
      const strings = [...EDGE];
      while (strings.length < 10_000) strings.push(pep440Version(rng));
      const native = runOracle("pep440-valid", strings);
      const bad = strings.flatMap((v, i) => {
        const ours = pep440Comparator.valid(v) ? "1" : "0";
        return ours === native[i] ? [] : [`${JSON.stringify(v)}: ours ${ours}, packaging ${native[i]}`];
      });
      expect(bad).toEqual([]);
      expect(native.filter((n) => n === "0").length).toBeGreaterThan(100);
    },
  );

  it("orders invalid strings before valid ones without throwing", () => {
    expect(pep440Comparator.compare("not a version", "0.0.dev0")).toBeLessThan(0);
    expect(pep440Comparator.compare("1.0", "garbage")).toBeGreaterThan(0);
    expect(pep440Comparator.compare("a", "b")).toBeLessThan(0);
    expect(pep440Comparator.compare("1.0.dev1", "1.0a1")).toBeLessThan(0);
  });
});
