import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runHostile } from "./harness.js";

// Issue 11, defect 6 through the real CLI: between 100k and 200k findings the table report
// crashed ("Maximum call stack size exceeded", a spread into Math.max). 120,000 secret
// findings (made-up GitHub token shapes) must give a table with the summary first.
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-scale-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const FILES = 50;
const PER_FILE = 2_400;
const MEMORY_CEILING_MIB = 600;

/** A deterministic 36-character token body for finding n (the shape the rule wants, no real key). */
function body(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  let x = n * 2654435761 + 12345;
  for (let i = 0; i < 36; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

describe("a report of 120,000 findings through the CLI", () => {
  it("is written as a table, summary first, within the memory ceiling", () => {
    const tree = join(work, "tree");
    mkdirSync(tree);
    for (let f = 0; f < FILES; f++) {
      const lines = Array.from({ length: PER_FILE }, (_, i) => `GH_${i}=ghp_${body(f * PER_FILE + i)}\n`);
      writeFileSync(join(tree, `tokens-${f}.env`), lines.join(""));
    }
    const run = runHostile(["scan", "fs", tree, "--scanners", "secret"], join(work, "cache"));
    expect(run.stderr).not.toMatch(/Maximum call stack|Invalid string length|\n\s+at /);
    expect(run.code).toBe(0);
    const total = FILES * PER_FILE;
    expect(run.stdout.startsWith(`Target: ${tree}\nFindings: ${total} (CRITICAL: ${total},`)).toBe(true);
    expect(run.stdout.split("\n").filter((l) => l.includes("tokens-") && l.includes("ghp_"))).toHaveLength(
      total,
    );
    expect(run.peakMiB).toBeLessThan(MEMORY_CEILING_MIB);
    expect(run.strayFiles).toEqual([]);
  });
});
