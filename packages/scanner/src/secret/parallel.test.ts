import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildContext } from "./config.js";
import { ParallelTreeScanner } from "./parallel.js";
import { builtinRules } from "./rules/index.js";
import { fill, prng } from "./testutil/generate.js";
import { scanTree } from "./tree.js";

const root = mkdtempSync(join(tmpdir(), "bulwark-parallel-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("worker-thread tree scan", () => {
  it("finds exactly what the single-threaded scan finds, in the same order", async () => {
    // Many small files (several batches), one big streamed file, a binary one, secrets throughout.
    builtinRules.forEach((spec, n) => {
      const dir = join(root, `d${n % 7}`);
      mkdirSync(dir, { recursive: true });
      const text = (spec.tps ?? []).map((t) => fill(t, prng(n))).join("\n");
      writeFileSync(join(dir, `${spec.id}.env`), `# ${spec.id}\n${"x = 1\n".repeat(n)}${text}\n`);
    });
    writeFileSync(
      join(root, "big.log"),
      `${"line of log text\n".repeat(700_000)}GITHUB=${fill("ghp_{A62:36}", prng(5))}\n`,
    );
    writeFileSync(join(root, "blob.dat"), Buffer.from([1, 0, 2, 3]));
    const single = await scanTree(buildContext({}), root, { includeNoise: true });
    const pool = new ParallelTreeScanner({}, 2);
    try {
      const parallel = await pool.scan(root, { includeNoise: true });
      const again = await pool.scan(root, { includeNoise: true });
      expect(single.hits.length).toBeGreaterThan(400);
      expect(parallel.hits).toEqual(single.hits);
      expect(again.hits).toEqual(single.hits);
      expect([parallel.filesScanned, parallel.bytesScanned]).toEqual([
        single.filesScanned,
        single.bytesScanned,
      ]);
      expect(parallel.skipped.map((s) => s.path).sort()).toEqual(single.skipped.map((s) => s.path).sort());
    } finally {
      await pool.close();
    }
  });
});
