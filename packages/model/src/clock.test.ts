import { describe, expect, it } from "vitest";
import { BulwarkError } from "./errors.js";
import { reportTime } from "./clock.js";

describe("reportTime", () => {
  it("is SOURCE_DATE_EPOCH when set", () => {
    expect(reportTime({ SOURCE_DATE_EPOCH: "1767323045" }).toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(reportTime({ SOURCE_DATE_EPOCH: "0" }).getTime()).toBe(0);
  });

  it("is the clock when unset or empty", () => {
    const before = Date.now();
    for (const env of [{}, { SOURCE_DATE_EPOCH: "" }]) {
      const t = reportTime(env).getTime();
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(Date.now());
    }
  });

  it.each(["-1", "1.5", "12abc", " 1", "9999999999999", "0x10"])("rejects %j with a usage error", (v) => {
    expect(() => reportTime({ SOURCE_DATE_EPOCH: v })).toThrow(BulwarkError);
    expect(() => reportTime({ SOURCE_DATE_EPOCH: v })).toThrow(/SOURCE_DATE_EPOCH must be whole seconds/);
  });
});
