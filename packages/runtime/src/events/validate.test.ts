import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTACKS, benignEvents } from "../testkit/scenarios.js";
import { checkRuntimeEvent } from "./validate.js";

describe("checkRuntimeEvent", () => {
  it("accepts every scenario event after a JSON round trip", () => {
    for (const e of [...benignEvents(), ...ATTACKS.flatMap((a) => a.events)])
      expect(checkRuntimeEvent(JSON.parse(JSON.stringify(e)))).toMatchObject({ ok: true });
  });

  it.each([
    [{}, "schema: expected 1, got undefined"],
    [{ schema: 2 }, "schema: expected 1, got 2"],
    [{ schema: 1, type: "teleport" }, 'type: unknown "teleport"'],
  ])("rejects %j with a one-line reason", (v, reason) => {
    expect(checkRuntimeEvent(v)).toEqual({ ok: false, reason });
  });

  it("names the missing type-specific field", () => {
    const open = JSON.parse(
      JSON.stringify(ATTACKS.find((a) => a.rule === "Read Sensitive File")!.events[0]),
    ) as Record<string, unknown>;
    delete open.path;
    expect(checkRuntimeEvent(open)).toEqual({ ok: false, reason: "path: not a string" });
  });

  it("never throws on arbitrary JSON (fast-check)", () => {
    const base = JSON.parse(JSON.stringify(ATTACKS[0]!.events[0])) as Record<string, unknown>;
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...Object.keys(base)), (junk, key) => {
        const r1 = checkRuntimeEvent(junk);
        const r2 = checkRuntimeEvent({ ...base, [key]: junk });
        for (const r of [r1, r2]) if (!r.ok) expect(r.reason).not.toContain("\n");
      }),
      { numRuns: 2000 },
    );
  });
});
