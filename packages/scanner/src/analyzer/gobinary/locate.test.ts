import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bufferFile } from "../testutil/testing.js";
import { readBuildInfoWindow } from "./locate.js";

/** An ELF identification followed by arbitrary header bytes: offsets and counts an attacker chose. */
const hostileElf = fc
  .tuple(fc.constantFrom(1, 2), fc.constantFrom(1, 2), fc.uint8Array({ minLength: 0, maxLength: 4096 }))
  .map(([cls, data, rest]) =>
    Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, cls, data]), Buffer.from(rest)]),
  );

describe("readBuildInfoWindow on hostile headers", () => {
  it("answers a buffer or undefined, asks only for in-file ranges of bounded size, never throws", async () => {
    await fc.assert(
      fc.asyncProperty(hostileElf, async (buf) => {
        const asked: Array<[number, number]> = [];
        const file = bufferFile("/x", buf, 0o100755);
        const spy = {
          ...file,
          readRange: (offset: number, length: number) => {
            asked.push([offset, length]);
            return file.readRange(offset, length);
          },
        };
        const got = await readBuildInfoWindow(spy);
        expect(got === undefined || Buffer.isBuffer(got)).toBe(true);
        for (const [offset, length] of asked) {
          expect(Number.isSafeInteger(offset) && offset >= 0).toBe(true);
          expect(length).toBeGreaterThanOrEqual(0);
          expect(length).toBeLessThanOrEqual(16 * 1024 * 1024);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("finds a header placed 16-aligned in the first writable segment of a minimal ELF", async () => {
    // Hand-built: no tool here writes a section-less 64-bit ELF with a chosen segment layout.
    const buf = Buffer.alloc(0x2000);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]).copy(buf);
    buf.writeBigUInt64LE(64n, 32); // e_phoff
    buf.writeUInt16LE(56, 54); // e_phentsize
    buf.writeUInt16LE(2, 56); // e_phnum
    const segment = (i: number, flags: number, offset: number) => {
      buf.writeUInt32LE(1, 64 + i * 56); // PT_LOAD
      buf.writeUInt32LE(flags, 64 + i * 56 + 4);
      buf.writeBigUInt64LE(BigInt(offset), 64 + i * 56 + 8);
    };
    segment(0, 5, 0); // r-x: text
    segment(1, 6, 0x1000); // rw-: data
    Buffer.from("\xff Go buildinf:", "latin1").copy(buf, 0x1010);
    expect(
      (await readBuildInfoWindow(bufferFile("/x", buf, 0o100755)))?.subarray(0, 14).toString("latin1"),
    ).toBe("\xff Go buildinf:");
    // Not 16-aligned: Go does not take it, nor do we.
    buf.fill(0, 0x1000);
    Buffer.from("\xff Go buildinf:", "latin1").copy(buf, 0x1018);
    expect(await readBuildInfoWindow(bufferFile("/x", buf, 0o100755))).toBeUndefined();
  });
});
