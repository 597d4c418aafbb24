import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MEMO_RANGE_BYTES, SharedContent, sliceParts } from "./offer.js";

/** Splits `bytes` at the given cut points, as a stream might deliver them. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    parts.push(bytes.subarray(from, c));
    from = c;
  }
  return parts;
}

describe("content held as a stream's pieces", () => {
  it("answers every range as the joined bytes would, however the stream was cut", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: -5, max: 320 }),
        fc.integer({ min: -5, max: 320 }),
        (raw, cuts, offset, length) => {
          const bytes = Buffer.from(raw);
          const expected = bytes.subarray(Math.max(0, offset), Math.max(0, offset) + Math.max(0, length));
          expect(sliceParts(split(bytes, cuts), offset, length).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("does not copy a range inside one piece", () => {
    // Buffer.alloc, not Buffer.from: small Buffer.from results share one pool, so a copy could
    // land in the same ArrayBuffer and pass.
    const piece = Buffer.alloc(10);
    piece.write("0123456789");
    const view = sliceParts([Buffer.from("ab"), piece], 4, 3);
    expect(view.toString()).toBe("234");
    expect(view.buffer).toBe(piece.buffer);
  });

  it("loads the pieces once for ranges and the whole file, and counts as started", async () => {
    let loads = 0;
    const content = SharedContent.fromParts(async () => {
      loads++;
      return [Buffer.from("\x7fELF"), Buffer.from("rest")];
    });
    expect(content.started).toBe(false);
    expect((await content.readRange(1, 5)).toString("latin1")).toBe("ELFre");
    expect(content.started).toBe(true);
    expect((await content.read()).toString("latin1")).toBe("\x7fELFrest");
    expect(loads).toBe(1);
  });

  it("remembers small ranges for the next analyzer but not a large chunk, which is read again", async () => {
    const asked: Array<[number, number]> = [];
    const content = new SharedContent(
      () => Promise.reject(new Error("read whole")),
      (offset, length) => {
        asked.push([offset, length]);
        return Promise.resolve(Buffer.alloc(length));
      },
    );
    await content.readRange(0, 64);
    await content.readRange(0, 64);
    await content.readRange(0, MEMO_RANGE_BYTES + 1);
    await content.readRange(0, MEMO_RANGE_BYTES + 1);
    expect(asked).toEqual([
      [0, 64],
      [0, MEMO_RANGE_BYTES + 1],
      [0, MEMO_RANGE_BYTES + 1],
    ]);
    expect(content.started).toBe(true);
  });
});
