/**
 * Record checks. Hand-written records: they exercise single malformations that the
 * real mirror (tested in import.test.ts) has too few of.
 */
import { describe, expect, it } from "vitest";
import { normalizePackageName } from "./names.js";
import { validateOsvRecord } from "./validate.js";

function withRange(type: string, events: unknown[], ecosystem = "npm"): unknown {
  return {
    id: "T-1",
    modified: "2024-01-01T00:00:00Z",
    affected: [{ package: { ecosystem, name: "p" }, ranges: [{ type, events }] }],
  };
}

function reason(value: unknown): string | undefined {
  const v = validateOsvRecord(value);
  return v.ok ? undefined : v.reason;
}

describe("validateOsvRecord", () => {
  it("accepts well-formed ranges of each type", () => {
    expect(
      reason(withRange("SEMVER", [{ introduced: "0" }, { fixed: "1.2.3-beta.1+build.5" }])),
    ).toBeUndefined();
    expect(
      reason(withRange("ECOSYSTEM", [{ introduced: "1.0" }, { last_affected: "2.0.post1" }], "PyPI")),
    ).toBeUndefined();
    expect(reason(withRange("ECOSYSTEM", [{ introduced: "1:2.3-4~deb12u1" }], "Debian:12"))).toBeUndefined();
    expect(
      reason(withRange("GIT", [{ introduced: "0" }, { fixed: "a1b2c3d4" }, { limit: "ffff" }])),
    ).toBeUndefined();
    expect(reason({ id: "T-2", modified: "2024-01-01T00:00:00Z" })).toBeUndefined();
  });

  it("names the problem in a malformed record", () => {
    expect(reason("[]")).toBe("not a JSON object");
    expect(reason({ modified: "x" })).toBe("missing id");
    expect(reason({ id: "T-1" })).toBe("missing modified date");
    expect(reason(withRange("CALVER", [{ introduced: "0" }]))).toBe('unknown range type "CALVER"');
    expect(reason(withRange("SEMVER", []))).toBe("SEMVER range has no events");
    expect(reason(withRange("SEMVER", [{ fixed: "1.0.0" }]))).toBe("SEMVER range has no introduced event");
    expect(reason(withRange("SEMVER", [{ introduced: "0", fixed: "1.0.0" }]))).toMatch(/event with keys/);
    expect(reason(withRange("SEMVER", [{ introduced: "v1.0.0" }]))).toBe(
      'SEMVER event introduced="v1.0.0" is not a SemVer version',
    );
    expect(reason(withRange("SEMVER", [{ introduced: "0" }, { fixed: "2.0.x" }]))).toMatch(
      /not a SemVer version/,
    );
    expect(reason(withRange("ECOSYSTEM", [{ introduced: "2019-09-12" }], "PyPI"))).toMatch(
      /not a PEP 440 version/,
    );
    expect(reason(withRange("ECOSYSTEM", [{ introduced: "1.0 beta" }], "Maven"))).toMatch(/has spaces/);
    expect(reason(withRange("SEMVER", [{ introduced: 1 }]))).toBe("SEMVER event introduced is not a string");
    expect(reason({ id: "T-1", modified: "x", affected: [{ package: { ecosystem: "npm" } }] })).toMatch(
      /lacks ecosystem or name/,
    );
    expect(reason({ id: "T-1", modified: "x", affected: [{ versions: [1] }] })).toMatch(
      /versions is not a list/,
    );
    expect(reason({ id: "T-1", modified: "x", aliases: "CVE-1" })).toMatch(/aliases/);
  });

  it("keeps the id of an invalid record for the report", () => {
    const v = validateOsvRecord(withRange("CALVER", [{ introduced: "0" }]));
    expect(v).toEqual({ ok: false, id: "T-1", reason: 'unknown range type "CALVER"' });
  });
});

describe("normalizePackageName", () => {
  it("applies PEP 503 to PyPI and lower case to NuGet/Packagist, nothing elsewhere", () => {
    expect(normalizePackageName("PyPI", "Zope.Interface__x")).toBe("zope-interface-x");
    expect(normalizePackageName("NuGet", "Newtonsoft.Json")).toBe("newtonsoft.json");
    expect(normalizePackageName("npm", "@Scope/Pkg_x")).toBe("@Scope/Pkg_x");
    expect(normalizePackageName("Go", "github.com/BurntSushi/toml")).toBe("github.com/BurntSushi/toml");
    expect(normalizePackageName("Debian:12", "Linux_X")).toBe("Linux_X");
  });
});
