import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderReportChunks } from "./index.js";
import { renderSbomChunks } from "./sbom/index.js";
import { SBOM_FORMATS } from "./sbom/formats.js";
import { syntheticInventory, syntheticReport } from "./testutil/synthetic.js";
import { wholeReport, wholeSbom } from "./testutil/whole.js";

// Issue 11, defect 6: between 100k and 200k findings the table crashed with "Maximum call
// stack size exceeded" (a spread into Math.max), and every format was built as one string.

/** Pieces, their count, and the largest piece: the bound on what is ever one string. */
function pieces(chunks: Iterable<string>): { text: string; count: number; largest: number } {
  const all: string[] = [];
  let largest = 0;
  for (const c of chunks) {
    all.push(c);
    largest = Math.max(largest, c.length);
  }
  return { text: all.join(""), count: all.length, largest };
}

describe("reports at scale", () => {
  const report = syntheticReport(250_000);

  it("renders a 250k-finding table, summary first", () => {
    const text = [...renderReportChunks(report, "table")].join("");
    expect(text.startsWith("Target: synthetic\nFindings: 250000 (CRITICAL: 50000,")).toBe(true);
    expect(text).toContain("CVE-2024-249999");
  });

  it("streams JSON in pieces that add up to the whole report", () => {
    let count = 0;
    let bytes = 0;
    let tail = "";
    for (const piece of renderReportChunks(report, "json")) {
      count++;
      bytes += piece.length;
      tail = (tail + piece).slice(-200);
    }
    expect(count).toBeGreaterThan(250_000);
    expect(bytes).toBeGreaterThan(100_000_000);
    expect(tail.trimEnd().endsWith("}")).toBe(true);
  });

  it.each(["json", "sarif", "cyclonedx-json"] as const)(
    "streams %s in small pieces, byte for byte the whole-document writer's text",
    (format) => {
      const small = syntheticReport(5_000);
      const streamed = pieces(renderReportChunks(small, format));
      expect(streamed.count).toBeGreaterThan(5_000);
      expect(streamed.largest).toBeLessThan(4096);
      expect(streamed.text).toBe(wholeReport(small, format));
    },
  );
});

describe("SBOMs at scale", () => {
  const inv = syntheticInventory(5_000);
  const opts = { uuid: "00000000-0000-4000-8000-000000000000", timestamp: new Date(0) };

  it.each(SBOM_FORMATS)(
    "streams %s in small pieces, byte for byte the whole-document writer's text",
    (format) => {
      const streamed = pieces(renderSbomChunks(inv, format, opts));
      expect(streamed.count).toBeGreaterThan(5_000);
      expect(streamed.largest).toBeLessThan(8192);
      expect(streamed.text).toBe(wholeSbom(inv, format, opts));
    },
  );
});

describe("streamed SBOMs of odd inventories", () => {
  it("equal the whole-document writers for any names, versions and paths (property)", () => {
    const text = fc.string({ unit: "binary", maxLength: 12 });
    const pkg = fc.record({
      name: text,
      version: text,
      path: text,
      purl: fc.boolean(),
      license: fc.option(text),
    });
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 80 }), fc.constantFrom(...SBOM_FORMATS), (pkgs, format) => {
        const inv = syntheticInventory(0);
        inv.packages = pkgs.map((p, i) => ({
          type: i % 2 ? "npm" : "deb",
          name: p.name,
          version: p.version,
          purl: p.purl ? `pkg:npm/x${i}@1` : "",
          licenses: p.license === null ? [] : [p.license],
          locations: [{ path: p.path }],
        }));
        const opts = { uuid: "00000000-0000-4000-8000-000000000000", timestamp: new Date(0) };
        let whole: string | Error;
        try {
          whole = wholeSbom(inv, format, opts);
        } catch (e) {
          whole = e as Error;
        }
        if (whole instanceof Error)
          expect(() => [...renderSbomChunks(inv, format, opts)]).toThrow(whole.message);
        else expect([...renderSbomChunks(inv, format, opts)].join("")).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });
});
