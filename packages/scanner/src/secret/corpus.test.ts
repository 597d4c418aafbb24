import { describe, expect, it } from "vitest";
import { compileRule } from "./compile.js";
import { SecretEngine } from "./engine.js";
import { builtinRules } from "./rules/index.js";
import { shapes } from "./testutil/corpus.js";
import { fill, placeholderVariants, prng } from "./testutil/generate.js";

const SAMPLES_PER_RULE = 25;
const engine = new SecretEngine(builtinRules.map(compileRule));

function wrap(text: string, raw?: boolean): string {
  // A neutral JSON line: its key is no keyword of any rule.
  return raw ? text : `  "value": "${text}",`;
}

function scan(text: string): string[] {
  return engine.scanText("corpus.txt", `first line\n${text}\nlast line\n`).map((h) => h.ruleId);
}

describe("rule corpus", () => {
  it("has at least 100 rules, unique ids, and a shape (or examples of its own) for every rule", () => {
    expect(builtinRules.length).toBeGreaterThanOrEqual(100);
    expect(new Set(builtinRules.map((r) => r.id)).size).toBe(builtinRules.length);
    // Rules added after this corpus carry tps/fps of their own (rules.test.ts runs them).
    expect(builtinRules.filter((r) => !shapes[r.id] && !r.tps?.length).map((r) => r.id)).toEqual([]);
    expect(Object.keys(shapes).filter((id) => !builtinRules.some((r) => r.id === id))).toEqual([]);
  });

  it("finds every generated credential (recall) and nothing in near misses (false positives)", () => {
    const rows: string[] = [];
    const misses: string[] = [];
    const falsePositives: string[] = [];
    let seed = 1;
    for (const rule of builtinRules) {
      const shape = shapes[rule.id];
      if (!shape) continue;
      const rand = prng(seed++);
      let found = 0;
      for (let i = 0; i < SAMPLES_PER_RULE; i++) {
        const text = wrap(fill(shape.t, rand), shape.raw);
        if (scan(text).includes(rule.id)) found++;
        else misses.push(`${rule.id}: ${text.slice(0, 120)}`);
      }
      const nearMisses = [...placeholderVariants(shape.t), ...(shape.miss ?? []).map((m) => fill(m, rand))];
      let fp = 0;
      for (const near of nearMisses) {
        const text = wrap(near, shape.raw);
        const ids = scan(text);
        if (ids.length) {
          fp++;
          falsePositives.push(`${rule.id}: ${ids.join(",")} in ${text.slice(0, 120)}`);
        }
      }
      rows.push(
        `${rule.id.padEnd(40)} recall ${found}/${SAMPLES_PER_RULE}  false positives ${fp}/${nearMisses.length}`,
      );
    }
    console.log(`secret rule corpus (${builtinRules.length} rules)\n${rows.join("\n")}`);
    expect({ misses, falsePositives }).toEqual({ misses: [], falsePositives: [] });
  });

  it("reports a line number, a redacted match and never the secret itself", () => {
    const token = fill("ghp_{A62:36}", prng(99));
    const hits = engine.scanText("a.env", `A=1\nB=2\nGITHUB_TOKEN=${token}\n`);
    const hit = hits.find((h) => h.ruleId === "github-pat");
    expect(hit?.line).toBe(3);
    expect(hit?.match).not.toContain(token);
    expect(hit?.match).toMatch(/^ghp_\*{5}[A-Za-z0-9]{4}$/);
  });
});
