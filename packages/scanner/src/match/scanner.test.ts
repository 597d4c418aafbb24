import { describe, expect, it } from "vitest";
import { missingEcosystems, uncoveredReleases } from "./scanner.js";

describe("missingEcosystems", () => {
  it("names ecosystems the inventory needs and the database lacks, by base name", () => {
    const warnings = missingEcosystems(
      { "Debian:12": 114, npm: 40, PyPI: 2, Go: 3 },
      { npm: 460, PyPI: 2659, Go: 4291, Debian: 0 },
    );
    expect(warnings).toEqual([
      'the vulnerability database has no Debian advisories: 114 Debian:12 package(s) were not checked (bulwark db update --ecosystems "Debian")',
    ]);
    expect(missingEcosystems({ "Debian:12": 1 }, { Debian: 5 })).toEqual([]);
  });
});

describe("uncoveredReleases", () => {
  it("names releases of an imported distribution that no record covers; base-only ecosystems never", () => {
    const has = (e: string) => e === "Debian:12" || e === "Alpine:v3.21";
    const needed = { "Debian:12": 10, "Debian:13": 4, "Alpine:v3.21": 2, "Alpine:v3.22": 3, Wolfi: 5 };
    const warnings = uncoveredReleases(needed, { Debian: 11372, Alpine: 7635, Wolfi: 1 }, has);
    expect(warnings.map((w) => w.split(" advisories")[0])).toEqual([
      "the vulnerability database has no Debian:13",
      "the vulnerability database has no Alpine:v3.22",
    ]);
    // A distribution not imported at all is missingEcosystems' warning, not this one.
    expect(uncoveredReleases({ "Debian:13": 1 }, { Debian: 0 }, () => false)).toEqual([]);
  });
});
