import parseSpdx from "spdx-expression-parse";
import { describe, expect, it } from "vitest";
import { isSpdxExpression, licenseRef, spdxExpressionFor } from "./licenses.js";

// Debian copyright files name licenses in their own dialect ("GPL-2+", "BSD-3-clause",
// "public-domain"); npm and PyPI mostly use SPDX. Every result must parse as SPDX.
describe("SPDX license expressions from package license lists", () => {
  it("keeps SPDX ids and expressions", () => {
    expect(spdxExpressionFor(["MIT"]).expression).toBe("MIT");
    expect(spdxExpressionFor(["MIT OR Apache-2.0"]).expression).toBe("MIT OR Apache-2.0");
    expect(spdxExpressionFor(["MIT OR Apache-2.0", "BSD-3-Clause"]).expression).toBe(
      "(MIT OR Apache-2.0) AND BSD-3-Clause",
    );
  });

  it("turns other names into declared LicenseRefs", () => {
    const { expression, refs } = spdxExpressionFor(["GPL-2+", "public-domain", "MIT", "MIT"]);
    expect(expression).toBe("LicenseRef-GPL-2-plus AND LicenseRef-public-domain AND MIT");
    expect([...refs]).toEqual([
      ["LicenseRef-GPL-2-plus", "GPL-2+"],
      ["LicenseRef-public-domain", "public-domain"],
    ]);
    expect(isSpdxExpression(expression as string)).toBe(true);
  });

  it("always yields a parseable id", () => {
    for (const name of ["GPL-2+ with OpenSSL exception", "Artistic or GPL-1+", "???", "BSD-3-clause~"]) {
      expect(() => parseSpdx(licenseRef(name))).not.toThrow();
    }
    expect(spdxExpressionFor([]).expression).toBeUndefined();
  });
});
