import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonChunks, WHOLE_DOCUMENT_VALUES } from "./json-stream.js";

// wholeBelow 0 splits every container, so the property covers the piecewise path everywhere.
const joined = (v: unknown) => [...jsonChunks(v, 0)].join("");

describe("jsonChunks", () => {
  it("equals JSON.stringify(value, null, 2) for any JSON value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(joined(v)).toBe(`${JSON.stringify(v, null, 2)}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it("splits large arrays into one piece per element and keeps JSON.stringify's rules", () => {
    const findings = WHOLE_DOCUMENT_VALUES / 4; // each is four values, and the document has more
    const big = {
      findings: Array.from({ length: findings }, (_, i) => ({
        id: `X-${i}`,
        gone: undefined,
        n: [i, undefined],
      })),
      empty: [],
      nested: { deep: Array.from({ length: 100 }, (_, i) => ({ i })) },
      date: new Date(0),
    };
    const pieces = [...jsonChunks(big)];
    expect(pieces.length).toBeGreaterThan(findings);
    expect(pieces.join("")).toBe(`${JSON.stringify(big, null, 2)}\n`);
  });

  it("writes a document of fewer values as one piece", () => {
    const small = {
      findings: Array.from({ length: WHOLE_DOCUMENT_VALUES / 4 - 10 }, (_, i) => ({ id: `X-${i}`, n: [i] })),
    };
    expect([...jsonChunks(small)]).toEqual([JSON.stringify(small, null, 2), "\n"]);
  });
});
