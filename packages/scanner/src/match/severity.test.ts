import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../../../vulndb/src/osv.js";
import { recordSeverity, scoreVector, severityFromLabel, severityFromScore } from "./severity.js";

const base: OsvRecord = { id: "X-1", modified: "2024-01-01T00:00:00Z" };

describe("CVSS vectors", () => {
  it("scores v3.1, v3.0 and v4.0 vectors with the library", () => {
    expect(scoreVector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")?.score).toBe(9.8);
    expect(scoreVector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N")?.score).toBe(6.5);
    expect(scoreVector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")?.score).toBe(9.3);
  });

  it("treats malformed or v2 vectors as absent", () => {
    expect(scoreVector("garbage")).toBeUndefined();
    expect(scoreVector("CVSS:3.1/AV:Q")).toBeUndefined();
    expect(scoreVector("AV:N/AC:L/Au:N/C:P/I:P/A:P")).toBeUndefined();
  });

  it("maps scores onto the qualitative scale", () => {
    expect([9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1].map(severityFromScore)).toEqual([
      "CRITICAL",
      "HIGH",
      "HIGH",
      "MEDIUM",
      "MEDIUM",
      "LOW",
      "LOW",
    ]);
  });
});

describe("recordSeverity", () => {
  it("takes the highest vector score over record and affected entry", () => {
    const r: OsvRecord = {
      ...base,
      severity: [
        { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N" },
        { type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" },
      ],
      database_specific: { severity: "LOW" },
    };
    expect(recordSeverity(r)).toBe("CRITICAL");
  });

  it("uses the vector even when a label disagrees", () => {
    const r: OsvRecord = {
      ...base,
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N" }],
      database_specific: { severity: "CRITICAL" },
    };
    expect(recordSeverity(r)).toBe("LOW");
  });

  it("falls back to database_specific labels, GitHub style", () => {
    expect(recordSeverity({ ...base, database_specific: { severity: "MODERATE" } })).toBe("MEDIUM");
    expect(recordSeverity({ ...base, database_specific: { severity: "high" } })).toBe("HIGH");
  });

  it("reads Debian urgency and Ubuntu priority", () => {
    expect(recordSeverity(base, { ecosystem_specific: { urgency: "unimportant" } })).toBe("LOW");
    expect(recordSeverity(base, { ecosystem_specific: { urgency: "high" } })).toBe("HIGH");
    expect(recordSeverity({ ...base, severity: [{ type: "Ubuntu", score: "medium" }] })).toBe("MEDIUM");
  });

  it("is UNKNOWN without data, never guessed", () => {
    expect(recordSeverity(base)).toBe("UNKNOWN");
    expect(recordSeverity({ ...base, database_specific: { severity: "whatever" } })).toBe("UNKNOWN");
    expect(recordSeverity(base, { ecosystem_specific: { urgency: "not yet assigned" } })).toBe("UNKNOWN");
  });

  it("labels", () => {
    expect(severityFromLabel("Moderate")).toBe("MEDIUM");
    expect(severityFromLabel("negligible")).toBe("LOW");
    expect(severityFromLabel(7)).toBeUndefined();
  });
});
