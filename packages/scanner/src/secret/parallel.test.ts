import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContext } from "./config.js";
import { AUTO_POOL_BYTES, ParallelTreeScanner, scanTreeThreaded } from "./parallel.js";
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

describe("scanTreeThreaded (what `bulwark scan --threads` runs)", () => {
  const tree = mkdtempSync(join(tmpdir(), "bulwark-threaded-"));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));
  const secretAt = (n: number): string => `TOKEN_${n}=${fill("ghp_{A62:36}", prng(n))}\n`;

  // 40 files of 1 MiB each (past the 32 MiB threshold), a secret in every fifth.
  beforeAll(() => {
    const filler = "some ordinary text of a log line\n".repeat(32 * 1024);
    for (let n = 0; n < 40; n++)
      writeFileSync(join(tree, `f${String(n).padStart(2, "0")}.txt`), n % 5 ? filler : filler + secretAt(n));
  });

  it("stays on this thread for a small tree and pools past AUTO_POOL_BYTES, with the same findings", async () => {
    const single = await scanTree(buildContext({}), tree, {});
    expect(single.bytesScanned).toBeGreaterThan(AUTO_POOL_BYTES);
    expect(single.hits).toHaveLength(8);

    const auto = await scanTreeThreaded(buildContext({}), {}, tree, {});
    expect(auto.threads).toBe(2);
    expect(auto.hits).toEqual(single.hits);
    expect([auto.filesScanned, auto.bytesScanned]).toEqual([single.filesScanned, single.bytesScanned]);

    const one = await scanTreeThreaded(buildContext({}), {}, tree, { threads: 1 });
    expect(one.threads).toBe(1);
    expect(one.hits).toEqual(single.hits);

    const small = join(tree, "f05.txt");
    const alone = await scanTreeThreaded(buildContext({}), {}, small, {});
    expect(alone.threads).toBe(1);
    expect(alone.hits).toHaveLength(1);
  });

  it("gives the workers the same rule set: a disabled rule stays disabled in every thread", async () => {
    const three = await scanTreeThreaded(
      buildContext({}),
      { disableRules: ["github-pat", "generic-api-key"] },
      tree,
      {
        threads: 3,
      },
    );
    expect(three.threads).toBe(3);
    expect(three.filesScanned).toBe(40);
    expect(three.hits.map((h) => h.hit.ruleId)).toEqual([]);
  });
});
