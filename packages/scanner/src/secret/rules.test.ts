import { describe, expect, it } from "vitest";
import { compileRule } from "./compile.js";
import { SecretEngine } from "./engine.js";
import { builtinRules } from "./rules/index.js";
import { fill, prng } from "./testutil/generate.js";

/** Each rule alone, so a true example another rule names first still counts for this one. */
function alone(id: string): SecretEngine {
  return new SecretEngine([compileRule(builtinRules.find((r) => r.id === id)!)]);
}

const around = (example: string): string => `# first line\n${example}\n# last line\n`;

describe("rule self-tests (the tps/fps every rule carries)", () => {
  it("every rule carries a provider, a detection kind, at least two true and two false examples", () => {
    const lacking = builtinRules
      .filter((r) => !r.provider || !r.detection || (r.tps?.length ?? 0) < 2 || (r.fps?.length ?? 0) < 2)
      .map((r) => r.id);
    expect(lacking).toEqual([]);
  });

  it("every rule finds each of its true examples and none of its false ones", () => {
    const missed: string[] = [];
    const falseHits: string[] = [];
    builtinRules.forEach((rule, n) => {
      const engine = alone(rule.id);
      // Three fillings of each template: random parts must not decide the outcome.
      for (let seed = 1; seed <= 3; seed++) {
        const rand = prng(n * 100 + seed);
        for (const tp of rule.tps ?? []) {
          const text = fill(tp, rand);
          if (!engine.scanText("example.txt", around(text)).some((h) => h.ruleId === rule.id))
            missed.push(`${rule.id}: ${text.slice(0, 160)}`);
        }
        for (const fp of rule.fps ?? []) {
          const text = fill(fp, rand);
          if (engine.scanText("example.txt", around(text)).length)
            falseHits.push(`${rule.id}: ${text.slice(0, 160)}`);
        }
      }
    });
    expect({ missed, falseHits }).toEqual({ missed: [], falseHits: [] });
  });

  it("all rules together still find every true example (some rule reports it)", () => {
    const engine = new SecretEngine(builtinRules.map(compileRule));
    const missed: string[] = [];
    builtinRules.forEach((rule, n) => {
      for (const tp of rule.tps ?? []) {
        const text = fill(tp, prng(n + 7));
        if (engine.scanText("example.txt", around(text)).length === 0) missed.push(`${rule.id}: ${text}`);
      }
    });
    expect(missed).toEqual([]);
  });

  it("covers at least 250 providers", () => {
    expect(new Set(builtinRules.map((r) => r.provider)).size).toBeGreaterThanOrEqual(250);
  });
});
