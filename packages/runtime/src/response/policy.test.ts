import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RuntimeError } from "../errors.js";
import { parseResponses } from "./policy.js";

const testdata = join(import.meta.dirname, "testdata");
const HEAD = "apiVersion: bulwark.dev/v1\nkind: RuntimeResponses\nresponses:\n";

function failure(yaml: string): string {
  try {
    parseResponses(yaml, "r.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(RuntimeError);
    expect((e as RuntimeError).code).toBe("RESPONSES_INVALID");
    return (e as Error).message;
  }
  throw new Error("parsed without an error");
}

describe("responses file", () => {
  it("reads entries: enabled ones with who and when, dry runs without, host only where said", () => {
    const file = join(testdata, "responses.yaml");
    const got = parseResponses(readFileSync(file, "utf8"), file);
    expect(got.map((e) => [e.rule, e.action, e.enabled?.by, e.host])).toEqual([
      ["Terminal shell in container", "kill", "alice", false],
      ["Terminal shell in container", "isolate", undefined, false],
      ["baseline-deviation", "pause", "bob", false],
      ["Crypto miner on the host", "kill", "carol", true],
    ]);
    expect(got[0]!.enabled).toEqual({ by: "alice", at: "2026-12-04T10:00:00Z" });
    expect(got[2]!.at).toBe(`${file}:10`);
  });

  it("an empty list is no response at all", () => {
    expect(parseResponses(`${HEAD}  []\n`, "r.yaml")).toEqual([]);
  });

  it.each([
    [
      `${HEAD}  - rule: x\n    action: kill\n    colour: red\n`,
      'r.yaml:6: unknown key "colour" in a responses entry',
    ],
    [
      `${HEAD}  - rule: x\n    action: explode\n`,
      'r.yaml:5: action must be one of kill, pause, stop, isolate, got "explode"',
    ],
    [
      `${HEAD}  - rule: x\n    action: kill\n    enabledBy: alice\n`,
      "r.yaml:4: enabledBy and enabledAt go together",
    ],
    [
      `${HEAD}  - rule: x\n    action: kill\n    enabledBy: a\n    enabledAt: soon\n`,
      'r.yaml:7: enabledAt must be a date and time (RFC 3339), got "soon"',
    ],
    [
      `${HEAD}  - rule: x\n    action: pause\n    host: true\n`,
      "r.yaml:6: host: true is allowed with action kill only",
    ],
    [`${HEAD}  - rule: x\n    action: kill\n    host: yes\n`, "r.yaml:6: host must be true or false"],
    [
      `${HEAD}  - rule: x\n    action: kill\n  - rule: x\n    action: kill\n`,
      'r.yaml:6: rule "x" has action kill twice (first at r.yaml:4)',
    ],
    [`${HEAD}  - action: kill\n`, "r.yaml:4: rule is missing"],
    [`${HEAD}  - rule: ""\n    action: kill\n`, "r.yaml:4: rule must be a non-empty string"],
    [
      "apiVersion: bulwark.dev/v2\nkind: RuntimeResponses\nresponses: []\n",
      "r.yaml:1: apiVersion must be bulwark.dev/v1",
    ],
    ["apiVersion: bulwark.dev/v1\nkind: RuntimeResponses\n", "r.yaml:1: responses is missing"],
    [`${HEAD}  rule: x\n`, "r.yaml:4: responses must be a list"],
    ["apiVersion: bulwark.dev/v1\napiVersion: bulwark.dev/v1\n", "r.yaml:2: Map keys must be unique"],
    ["- just\n- a list\n", "r.yaml:1: the responses file must be a mapping"],
  ])("refuses bad input with one error naming file and line (%#)", (yaml, message) => {
    expect(failure(yaml)).toContain(message);
  });

  it("never throws anything but its typed error, whatever the input", () => {
    const word = fc.constantFrom(
      "rule",
      "action",
      "enabledBy",
      "enabledAt",
      "host",
      "kill",
      "pause",
      "x",
      "true",
      "",
    );
    const entry = fc.dictionary(word, fc.oneof(word, fc.boolean(), fc.integer(), fc.constant(null)));
    const doc = fc.oneof(
      fc.string(),
      fc
        .record({
          apiVersion: fc.constantFrom("bulwark.dev/v1", 3),
          kind: fc.constantFrom("RuntimeResponses", "x"),
          responses: fc.array(fc.oneof(entry, word)),
        })
        .map((d) => JSON.stringify(d)),
      fc.array(fc.oneof(fc.string(), word), { maxLength: 12 }).map((parts) => `${HEAD}${parts.join("\n  ")}`),
    );
    fc.assert(
      fc.property(doc, (text) => {
        try {
          parseResponses(text, "f.yaml");
        } catch (e) {
          if (
            !(e instanceof RuntimeError) ||
            e.code !== "RESPONSES_INVALID" ||
            !e.message.startsWith("f.yaml:")
          )
            throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
