import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileRule, unboundedQuantifier } from "./compile.js";
import { builtinRules } from "./rules/index.js";

const WORKER = fileURLToPath(new URL("./testutil/redos-worker.ts", import.meta.url));
/**
 * Hang guard for catastrophic backtracking, not a performance limit: the adversarial set
 * is ~800 MB; a linear engine needs seconds, an exponential one would need hours. The
 * child process is killed at this budget and the rule it was on is named.
 */
const BUDGET_MS = 300_000;

describe("no catastrophic backtracking", () => {
  it("every built-in regex has only bounded quantifiers", () => {
    expect(builtinRules.filter((r) => unboundedQuantifier(r.regex)).map((r) => r.id)).toEqual([]);
  });

  it("refuses unbounded quantifiers in user rules", () => {
    const rule = { id: "mine", title: "t", severity: "HIGH" as const, keywords: ["x"], regex: "x(a+)+y" };
    expect(() => compileRule(rule)).toThrow(/unbounded quantifier "\+"/);
    expect(() => compileRule({ ...rule, regex: "x[a-z]{3,}" })).toThrow(/unbounded quantifier "\{3,\}"/);
    expect(() => compileRule({ ...rule, regex: "x[+*]{1,3}\\+" })).not.toThrow();
  });

  it("every rule finishes adversarial input (keyword floods, overlong and near matches)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", WORKER], {
      encoding: "utf8",
      timeout: BUDGET_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    const done = run.stdout
      .split("\n")
      .filter((l) => l.startsWith("done "))
      .map((l) => l.split(" "));
    const finished = new Set(done.map((d) => d[1]));
    const stuck = builtinRules.find((r) => !finished.has(r.id));
    const slowest = [...done].sort((a, b) => Number(b[3]) - Number(a[3])).slice(0, 5);
    console.log(
      `adversarial input: ${done.length} rules, ${done.reduce((n, d) => n + Number(d[2]), 0)} bytes; slowest:`,
      slowest.map((d) => `${d[1]} ${d[3]} ms`).join(", "),
    );
    expect(run.stderr.includes("Error") ? run.stderr : "").toBe("");
    expect(stuck?.id, stuck ? `rule ${stuck.id} did not finish within ${BUDGET_MS} ms` : "").toBeUndefined();
  });
});
