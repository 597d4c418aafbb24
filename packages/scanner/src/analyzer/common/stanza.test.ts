import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { iterStanzas, parseStanzas } from "./stanza.js";

/** Random deb822-ish text: fields, continuations, comments, blank lines, CRLF. */
const deb822 = fc
  .array(
    fc.oneof(
      fc
        .tuple(fc.constantFrom("Package", "Version", "Status", "Description", "X-Odd"), fc.string())
        .map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, "")}`),
      fc.string().map((v) => ` ${v.replace(/[\r\n]/g, "")}`),
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
