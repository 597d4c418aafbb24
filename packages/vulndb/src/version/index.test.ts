import { describe, expect, it } from "vitest";
import { allSchemes, comparatorForEcosystem, comparatorForScheme } from "./index.js";

describe("comparator registry", () => {
  it.each([
    ["Debian:12", "deb"],
    ["Debian", "deb"],
    ["Ubuntu:22.04:LTS", "deb"],
    ["Ubuntu:Pro:18.04:LTS", "deb"],
    ["Alpine:v3.19", "apk"],
    ["Wolfi", "apk"],
    ["Chainguard", "apk"],
    ["Red Hat:enterprise_linux:9::appstream", "rpm"],
    ["Rocky Linux:9", "rpm"],
    ["AlmaLinux:9", "rpm"],
    ["npm", "semver"],
    ["PyPI", "pep440"],
    ["Go", "go"],
    ["Maven", "maven"],
    ["crates.io", "cargo"],
    ["RubyGems", "gem"],
    ["Packagist", "composer"],
    ["NuGet", "nuget"],
  ])("%s → %s", (ecosystem, scheme) => {
    expect(comparatorForEcosystem(ecosystem)?.scheme).toBe(scheme);
  });

  it("returns undefined for ecosystems it cannot order", () => {
    expect(comparatorForEcosystem("GIT")).toBeUndefined();
    expect(comparatorForEcosystem("")).toBeUndefined();
  });

  it("every scheme compares reflexively and never throws on garbage", () => {
    const garbage = ["", " ", "::", "--", "~~", "\u0000", "v", "1..", "é", "9".repeat(400), "a-b-c"];
    for (const scheme of allSchemes()) {
      const cmp = comparatorForScheme(scheme);
      expect(cmp.scheme).toBe(scheme);
      for (const a of garbage) {
        expect(cmp.compare(a, a), `${scheme} ${a}`).toBe(0);
        for (const b of garbage) expect(() => cmp.compare(a, b), `${scheme} ${a} ${b}`).not.toThrow();
      }
      expect(cmp.compare("1.0.0", "2.0.0"), scheme).toBeLessThan(0);
    }
  });
});
