import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fuzz, isExpectedError } from "./engine.js";
import { seedsOf } from "./seeds.js";
import { targets } from "./targets.js";

// Every parser of untrusted input, fuzzed for a fixed number of executions from its seed
// corpus with a fixed seed (repeatable, and bounded by count, not by the clock). Longer
// runs: `npm run fuzz -- all --seconds 600`.
const EXECUTIONS = 3000;

describe("fuzz targets (bounded CI run)", () => {
  it.each(targets.map((t) => [t.name, t] as const))(
    "%s: no crash in a bounded run",
    async (_name, target) => {
      expect(seedsOf(target.name).length).toBeGreaterThan(0);
      const stats = await fuzz(target, seedsOf(target.name), 20261203, (n) => n >= EXECUTIONS);
      expect(stats.executions).toBe(EXECUTIONS);
      expect(stats.crashes.map((c) => c.error)).toEqual([]);
    },
  );

  it("regression inputs (crashes found earlier) are handled", async () => {
    const dir = join(import.meta.dirname, "regressions");
    for (const file of readdirSync(dir).filter((f) => !f.startsWith("."))) {
      const target = targets.find((t) => file.startsWith(`${t.name}-`));
      expect(target, file).toBeDefined();
      try {
        await target!.run(readFileSync(join(dir, file)));
      } catch (e) {
        expect(isExpectedError(e), `${file}: ${String(e)}`).toBe(true);
      }
    }
  });
});
