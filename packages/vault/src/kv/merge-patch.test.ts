import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergePatch } from "./merge-patch.js";

const json = fc.jsonValue({ maxDepth: 3 });
const object = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 6 });

describe("JSON merge patch (RFC 7386)", () => {
  it("follows the RFC's examples", () => {
    expect(mergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: "b" }, { b: "c" })).toEqual({ a: "b", b: "c" });
    expect(mergePatch({ a: "b" }, { a: null })).toEqual({});
    expect(mergePatch({ a: "b", b: "c" }, { a: null })).toEqual({ b: "c" });
    expect(mergePatch({ a: ["b"] }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: { b: "c" } }, { a: { b: "d", c: null } })).toEqual({ a: { b: "d" } });
    expect(mergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: "b", c: null })).toEqual({ a: "b" });
  });

  it("is idempotent and never yields a null member from the patch", () => {
    fc.assert(
      fc.property(object, object, (t, p) => {
        const once = mergePatch(t, p);
        expect(mergePatch(once, p)).toEqual(once);
        for (const [k, v] of Object.entries(p))
          if (v === null) expect(Object.hasOwn(once as object, k)).toBe(false);
      }),
    );
  });

  it("keeps __proto__ as data and never touches Object.prototype", () => {
    const p = JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown;
    const out = mergePatch({}, p) as Record<string, unknown>;
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
  });
});
