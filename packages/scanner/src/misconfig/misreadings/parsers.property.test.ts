import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { shellCommands } from "../dockerfile/shell-words.js";
import { parseYamlDocuments } from "../yaml-source.js";
import { reindentQuotedScalars } from "../yaml-repair.js";

/** Property tests for the two readers of untrusted text added for issue 17. */
const scalarText = fc.string({ maxLength: 40 }).filter((s) => !s.includes("\r"));

describe("quoted-scalar re-indentation", () => {
  it("never changes the number of lines and leaves valid YAML alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b-c", "command"), scalarText), { maxLength: 6 }),
        (pairs) => {
          const text = `spec:\n  list:\n${pairs.map(([k, v]) => `  - ${k}: ${JSON.stringify(v)}`).join("\n")}\n`;
          const repaired = reindentQuotedScalars(text);
          if (repaired !== undefined) expect(repaired.split("\n").length).toBe(text.split("\n").length);
          // Valid input parses on the first try, to the value the yaml package gives.
          expect(parseYamlDocuments(text)[0]!.value).toEqual(parseYaml(text));
        },
      ),
    );
  });

  it("makes a quoted scalar continued at its dash's indentation parse to the folded value", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9;&=. -]{1,20}$/), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 4 }),
        (parts, indent) => {
          const pad = " ".repeat(indent);
          const words = parts.map((p) => p.trim()).filter(Boolean);
          fc.pre(words.length >= 2);
          // A continuation line "---" or "..." at column 0 is a document marker, not text.
          fc.pre(!(indent === 0 && words.slice(1).some((w) => /^(---|\.\.\.)(\s|$)/.test(w))));
          const text = `${pad}args:\n${pad}- "${words.join(`\n${pad}`)}"\n`;
          const [doc] = parseYamlDocuments(text);
          expect((doc!.value as { args: string[] }).args[0]).toBe(words.join(" "));
        },
      ),
    );
  });

  it("throws only YamlError-like errors on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseYamlDocuments(text);
        } catch (e) {
          expect((e as Error).constructor.name).toBe("YamlError");
        }
      }),
    );
  });
});

describe("shell words", () => {
  it("never throws and keeps every word of a plain command", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (script) => {
        expect(() => shellCommands(script)).not.toThrow();
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9_./-]{1,12}$/), { minLength: 1, maxLength: 8 }),
        (words) => {
          fc.pre(!/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!));
          expect(shellCommands(words.join(" "))[0]!.argv).toEqual(words);
        },
      ),
    );
  });

  it("keeps a quoted argument as one word, whatever it contains", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[^'\n]{0,30}$/), (arg) => {
        const [cmd] = shellCommands(`echo '${arg}'`);
        expect(cmd!.argv).toEqual(["echo", arg]);
      }),
    );
  });
});
