import { describe, expect, it } from "vitest";
import { scanners } from "./registry.js";
import { DEFAULT_SCANNERS, selectScanners } from "./run.js";

const names = (kind: Parameters<typeof selectScanners>[0], wanted: string[]) =>
  selectScanners(kind, wanted, scanners).map((s) => s.name);

describe("selectScanners (on the real registry)", () => {
  it("uses the defaults per target kind, skipping scanners this build lacks", () => {
    const available = new Set(scanners.map((s) => s.name));
    expect(names("image", [])).toEqual(DEFAULT_SCANNERS.image.filter((n) => available.has(n as never)));
    expect(names("host", [])).toEqual(["misconfig"]);
    expect(names("config", [])).toContain("misconfig");
  });

  it("keeps the user's order and drops duplicates", () => {
    expect(names("image", ["misconfig", "vuln", "vuln"])).toEqual(["misconfig", "vuln"]);
  });

  it("rejects unknown names and scanners that cannot scan the target", () => {
    expect(() => names("image", ["virus"])).toThrow(/unknown scanner "virus"/);
    expect(() => names("host", ["vuln"])).toThrow(/the vuln scanner cannot scan host targets/);
  });
});
