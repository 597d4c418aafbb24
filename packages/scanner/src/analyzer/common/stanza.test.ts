import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { iterStanzas, parseStanzas, streamStanzas, type RangeSource } from "./stanza.js";

/** Random deb822-ish text: fields, continuations, comments, blank lines, CRLF. */
const deb822 = fc
  .array(
    fc.oneof(
      fc
        .tuple(fc.constantFrom("Package", "Version", "Status", "Description", "X-Odd"), fc.string())
        .map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, "")}`),
      fc.string().map((v) => ` ${v.replace(/[\r\n]/g, "")}`),
      // Multi-byte characters, so chunk boundaries fall inside them.
      fc.string({ unit: "grapheme" }).map((v) => `Maintainer: ${v.replace(/[\r\n\0]/g, "")}`),
      fc.constant(""),
      fc.constant("# comment"),
    ),
    { maxLength: 40 },
  )
  .chain((lines) => fc.constantFrom("\n", "\r\n").map((eol) => lines.join(eol)));

describe("iterStanzas", () => {
  it("keeping some fields equals parsing all and dropping the rest (property)", () => {
    const keep = new Set(["package", "version", "status"]);
    fc.assert(
      fc.property(deb822, (text) => {
        let all: ReturnType<typeof parseStanzas> | Error;
        try {
          all = parseStanzas(text, "t");
        } catch (e) {
          all = e as Error;
        }
        if (all instanceof Error) {
          expect(() => [...iterStanzas(text, "t", keep)]).toThrow(all.message);
          return;
        }
        const kept = [...iterStanzas(text, "t", keep)].map((s) => [...s]);
        const filtered = all.map((s) => [...s].filter(([k]) => keep.has(k)));
        expect(kept).toEqual(filtered);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads continuation lines, CRLF and comments, and names the line of a bad field", () => {
    const text = "Package: a\r\nDescription: x\r\n more\r\n# c\r\n\r\nPackage: b\nVersion: 1\n";
    expect(parseStanzas(text, "t").map((s) => Object.fromEntries(s))).toEqual([
      { package: "a", description: "x\nmore" },
      { package: "b", version: "1" },
    ]);
    expect(() => parseStanzas("Package: a\nno colon here\n", "status")).toThrow("status: line 2");
  });
});

/** A file read in ranges, recording the largest read asked for. */
function rangeSource(bytes: Buffer): RangeSource & { largest: number } {
  const src = {
    size: bytes.length,
    largest: 0,
    readRange(offset: number, length: number) {
      src.largest = Math.max(src.largest, length);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
  return src;
}

async function collect(gen: AsyncGenerator<Map<string, string>>): Promise<Array<[string, string][]> | Error> {
  try {
    const out: Array<[string, string][]> = [];
    for await (const s of gen) out.push([...s]);
    return out;
  } catch (e) {
    return e as Error;
  }
}

describe("streamStanzas", () => {
  it("reads the same stanzas and errors as the whole text, however the file is chunked (property)", async () => {
    const keep = new Set(["package", "version", "maintainer"]);
    await fc.assert(
      fc.asyncProperty(deb822, fc.integer({ min: 1, max: 64 }), fc.boolean(), async (text, chunk, filter) => {
        const fields = filter ? keep : undefined;
        let whole: Array<[string, string][]> | Error;
        try {
          whole = [...iterStanzas(text, "t", fields)].map((s) => [...s]);
        } catch (e) {
          whole = e as Error;
        }
        const src = rangeSource(Buffer.from(text));
        const streamed = await collect(streamStanzas(src, "t", fields, chunk));
        if (whole instanceof Error) expect((streamed as Error).message).toBe(whole.message);
        else expect(streamed).toEqual(whole);
        expect(src.largest).toBeLessThanOrEqual(chunk);
      }),
      { numRuns: 1000 },
    );
  });

  it("joins a character cut by a chunk boundary and keeps a leading BOM as the whole text does", async () => {
    const text = "\uFEFFPackage: caf\u00e9\nMaintainer: \u{1F600}\n";
    for (let chunk = 1; chunk <= 8; chunk++) {
      const streamed = await collect(streamStanzas(rangeSource(Buffer.from(text)), "t", undefined, chunk));
      expect(streamed).toEqual([...iterStanzas(text, "t")].map((s) => [...s]));
    }
  });

  it("refuses binary content in any chunk", async () => {
    const bytes = Buffer.concat([Buffer.from("Package: a\n\nPackage: b\n"), Buffer.from([0])]);
    const out = await collect(streamStanzas(rangeSource(bytes), "status", undefined, 4));
    expect((out as Error).message).toBe("status: binary content where text was expected");
  });
});
