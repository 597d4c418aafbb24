import { describe, expect, it } from "vitest";
import { missingEcosystems } from "./scanner.js";

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
