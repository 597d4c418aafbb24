import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readHeadFirst } from "./head-first.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulwark-head-first-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What reading the whole file and splitting it gives. */
function expected(bytes: Buffer) {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return { head: bytes, tailCrc32: 0, lines: [] };
  const lines: Array<[number, number]> = [];
  let start = newline + 1;
  for (let at = bytes.indexOf(0x0a, start); at >= 0; at = bytes.indexOf(0x0a, start)) {
    lines.push([start, at]);
    start = at + 1;
  }
  lines.push([start, bytes.length]);
  return { head: bytes.subarray(0, newline), tailCrc32: crc32(bytes.subarray(newline + 1)), lines };
}

describe("reading a cache file head first", () => {
  it("gives the head, the tail's CRC-32 and line ranges of whole-file reading, across read boundaries (property)", async () => {
    const file = join(dir, "f");
    // Heads and tails around the first read (512 KiB) and the pieces (256 KiB).
    const size = fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: 250_000, max: 1_200_000 }));
    const layout = fc.record({
      head: size,
      lines: fc.array(size, { maxLength: 3 }),
      fill: fc.integer({ min: 0x20, max: 0x7e }),
    });
    await fc.assert(
      fc.asyncProperty(layout, async ({ head, lines, fill }) => {
        const parts = [head, ...lines].map((n) => Buffer.alloc(n, fill));
        const bytes = Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from("\n"), p] : [p])));
        await writeFile(file, bytes);
        const read = readHeadFirst(file, "layer cache", "LAYER_CACHE_BYTES");
        const want = expected(bytes);
        expect(read.head.equals(want.head)).toBe(true);
        expect([read.tailCrc32, read.lines]).toEqual([want.tailCrc32, want.lines]);
        for (const [start, end] of read.lines)
          expect(read.range(start, end).equals(bytes.subarray(start, end))).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("reads a range of a replacement with the same head and tail, refuses any other, in one line", async () => {
    const file = join(dir, "f");
    const replace = async (text: string) => {
      // As a concurrent scan does: a new file renamed over the old one.
      await writeFile(join(dir, "g"), text);
      await rename(join(dir, "g"), file);
    };
    await writeFile(file, "head\n[1,2]\n[3]");
    const read = readHeadFirst(file, "layer cache", "LAYER_CACHE_BYTES");
    expect(read.range(...read.lines[0]!).toString()).toBe("[1,2]");
    await replace("head\n[1,2]\n[3]");
    expect(read.range(...read.lines[1]!).toString()).toBe("[3]");
    for (const other of ["head\n[1,2]\n[4]", "hexd\n[1,2]\n[3]"]) {
      await replace(other);
      expect(() => read.range(...read.lines[0]!)).toThrow(
        /^layer cache .*\/f was replaced while in use; scan again$/,
      );
    }
    await rm(file);
    expect(() => read.range(...read.lines[0]!)).toThrow(/^layer cache .*\/f: ENOENT.*; scan again$/);
  });

  it("refuses what is not a regular file, or is over its bound", async () => {
    expect(() => readHeadFirst(dir, "layer cache", "LAYER_CACHE_BYTES")).toThrow(/is not a regular file/);
    const file = join(dir, "f");
    await writeFile(file, "x\n");
    const saved = process.env.BULWARK_MAX_LAYER_CACHE_BYTES;
    process.env.BULWARK_MAX_LAYER_CACHE_BYTES = "1";
    try {
      expect(() => readHeadFirst(file, "layer cache", "LAYER_CACHE_BYTES")).toThrow(/over the 1-byte limit/);
    } finally {
      if (saved === undefined) delete process.env.BULWARK_MAX_LAYER_CACHE_BYTES;
      else process.env.BULWARK_MAX_LAYER_CACHE_BYTES = saved;
    }
  });
});
