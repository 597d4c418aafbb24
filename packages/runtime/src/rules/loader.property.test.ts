import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { RuntimeError } from "../errors.js";
import { loadRuleTexts } from "./loader.js";

const key = fc.constantFrom(
  "rule",
  "macro",
  "list",
  "condition",
  "output",
  "priority",
  "desc",
  "items",
  "tags",
  "enabled",
  "append",
  "override",
  "exceptions",
  "source",
  "required_engine_version",
);
const condition = fc.constantFrom(
  "proc.name = bash",
  "evt.type in (execve) and m",
  "not (",
  "fd.name glob '/x/*'",
  "m and m",
  "proc.aname[2] in (l)",
  "user.uid > x",
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  condition,
  fc.constantFrom("m", "l", "WARNING", "append"),
);
const item = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

describe("rule loader on untrusted rule files (fast-check)", () => {
  it("loads or fails with one RuntimeError line; never another exception", () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), (items) => {
        const text = stringify(items);
        try {
          loadRuleTexts([{ name: "fuzz.yaml", text }]);
        } catch (e) {
          expect(e).toBeInstanceOf(RuntimeError);
          expect((e as Error).message).toMatch(/^fuzz\.yaml:\d+:\d+: /);
          expect((e as Error).message).not.toContain("\n");
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("arbitrary text as a rule file never escapes as a non-RuntimeError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          loadRuleTexts([{ name: "fuzz.yaml", text }]);
        } catch (e) {
          expect(e).toBeInstanceOf(RuntimeError);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
