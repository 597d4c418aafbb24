import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkRuntimeEvent } from "../events/validate.js";
import { mapFalcoRecord } from "./falco.js";
import { mapTetragonRecord } from "./tetragon.js";

const lines = (n: string): unknown[] =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${n}`, import.meta.url)), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as unknown);

/** Replaces one value somewhere inside a JSON record (by a path of random choices). */
function mutate(rec: unknown, choices: number[], junk: unknown): unknown {
  const copy = structuredClone(rec);
  let node = copy as Record<string, unknown>;
  for (const c of choices) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[c % keys.length]!;
    const child = node[k];
    if (typeof child !== "object" || child === null || c % 4 === 0) {
      node[k] = junk;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return copy;
}

describe.each([
  ["Falco", mapFalcoRecord, lines("falco.jsonl")],
  ["Tetragon", mapTetragonRecord, lines("tetragon.jsonl")],
] as const)("%s mapper on untrusted input (fast-check)", (_name, map, records) => {
  it("never throws; every event it returns passes the event schema check", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...records),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.jsonValue(),
        (rec, path, junk) => {
          for (const input of [junk, mutate(rec, path, junk)]) {
            const m = map(input);
            if (m.ok)
              expect(checkRuntimeEvent(JSON.parse(JSON.stringify(m.event)))).toMatchObject({ ok: true });
            else expect(m.reason).not.toContain("\n");
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
