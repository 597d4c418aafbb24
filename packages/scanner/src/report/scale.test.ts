import { describe, expect, it } from "vitest";
import { renderReportChunks } from "./index.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";
import { syntheticReport } from "./testutil/synthetic.js";

// Issue 11, defect 6: between 100k and 200k findings the table crashed with "Maximum call
// stack size exceeded" (a spread into Math.max), and JSON was built as one string.
describe("reports at scale", () => {
  const report = syntheticReport(250_000);

  it("renders a 250k-finding table, summary first", () => {
    const text = renderTable(report);
    expect(text.startsWith("Target: synthetic\nFindings: 250000 (CRITICAL: 50000,")).toBe(true);
    expect(text).toContain("CVE-2024-249999");
  });

  it("streams JSON in pieces that add up to the whole report", () => {
    let pieces = 0;
    let bytes = 0;
    let tail = "";
    for (const piece of renderReportChunks(report, "json")) {
      pieces++;
      bytes += piece.length;
      tail = (tail + piece).slice(-200);
    }
    expect(pieces).toBeGreaterThan(250_000);
    expect(bytes).toBeGreaterThan(100_000_000);
    expect(tail.trimEnd().endsWith("}")).toBe(true);
  });

  it("streams SARIF in pieces that add up to renderSarif's text", () => {
    const small = syntheticReport(5_000);
    const pieces = [...renderReportChunks(small, "sarif")];
    expect(pieces.length).toBeGreaterThan(5_000);
    expect(pieces.join("")).toBe(renderSarif(small));
  });
});
