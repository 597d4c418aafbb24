import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Analyzer } from "../../../model/src/analyzer.js";
import { asciiJson } from "./json.js";
import { analyzerKey, layerCachePath, readLayerCache, writeLayerCache } from "./layers.js";

const analyzer = (name: string, version: number): Analyzer => ({
  name,
  version,
  wants: () => false,
  analyze: async () => undefined,
});
const DIFF = "sha256:" + "ab".repeat(32);
const content = (n: number) => ({
  results: [{ analyzer: "npm", path: `/app/${n}/package.json`, output: { packages: [] } }],
  whiteouts: [],
  opaqueDirs: [],
  paths: Array.from({ length: 2000 }, (_, i) => `/app/${n}/file-${i}`),
  issues: [],
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulwark-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("layer cache files", () => {
  it("keys by diffID and the sorted analyzer name@version list", () => {
    const a = [analyzer("npm", 2), analyzer("dpkg", 1)];
    expect(analyzerKey(a)).toEqual(["dpkg@1", "npm@2"]);
    expect(layerCachePath(dir, DIFF, a)).toBe(layerCachePath(dir, DIFF, [...a].reverse()));
    expect(layerCachePath(dir, DIFF, a)).not.toBe(
      layerCachePath(dir, DIFF, [analyzer("npm", 3), analyzer("dpkg", 1)]),
    );
    expect(() => layerCachePath(dir, "sha256:../../etc", a)).toThrow();
  });

  it("survives concurrent writers: one complete file, no temp files left", async () => {
    const a = [analyzer("npm", 1)];
    await Promise.all([1, 2, 3, 4].map((n) => writeLayerCache(dir, DIFF, a, content(n))));
    expect(await readdir(join(dir, "layers"))).toHaveLength(1);
    const got = await readLayerCache(dir, DIFF, a);
    expect([1, 2, 3, 4].map((n) => JSON.stringify(content(n)))).toContain(JSON.stringify(got));
  });

  it("ignores files for another diffID or analyzer set, or of another shape", async () => {
    const a = [analyzer("npm", 1)];
    const file = layerCachePath(dir, DIFF, a);
    await writeLayerCache(dir, DIFF, a, content(1));
    const [headLine, tail, owned] = (await readFile(file, "utf8")).split("\n");
    const head = JSON.parse(headLine!) as Record<string, unknown>;
    for (const bad of [
      `${JSON.stringify({ ...head, diffId: "sha256:" + "cd".repeat(32) })}\n${tail}\n${owned}`,
      `${JSON.stringify({ ...head, analyzers: ["npm@9"] })}\n${tail}\n${owned}`,
      `${JSON.stringify({ ...head, results: "x" })}\n${tail}\n${owned}`,
      `${JSON.stringify({ ...head, schema: 4 })}\n${tail}\n${owned}`,
      `${JSON.stringify({ ...head, paths: JSON.parse(tail!) as unknown })}`,
      `${headLine}\n${tail}`,
      `${headLine}\n"x"\n${owned}`,
    ]) {
      await writeFile(file, bad);
      expect(await readLayerCache(dir, DIFF, a)).toBeUndefined();
    }
    await rm(file);
    expect(await readLayerCache(dir, DIFF, a)).toBeUndefined();
  });

  it("parses the path list only when it is read", async () => {
    const a = [analyzer("npm", 1)];
    await writeLayerCache(dir, DIFF, a, content(2));
    const got = await readLayerCache(dir, DIFF, a);
    expect(Object.getOwnPropertyDescriptor(got, "paths")?.get).toBeTypeOf("function");
    expect(got?.paths).toEqual(content(2).paths);
    expect(got?.paths).toBe(got?.paths); // parsed once and kept
    expect(Object.keys(got ?? {})).toEqual(["results", "whiteouts", "opaqueDirs", "paths", "issues"]);
  });

  it("misses when the path list is damaged inside its brackets (its CRC-32 is in the head)", async () => {
    const a = [analyzer("npm", 1)];
    const file = layerCachePath(dir, DIFF, a);
    await writeLayerCache(dir, DIFF, a, content(1));
    const [headLine, tail, owned] = (await readFile(file, "latin1")).split("\n") as [string, string, string];
    for (const bad of [
      "[1]",
      '["/x"]',
      `${tail.slice(0, tail.length / 2)}]`,
      tail.replace("file-1", "file-7"),
    ]) {
      await writeFile(file, `${headLine}\n${bad}\n${owned}`);
      expect(await readLayerCache(dir, DIFF, a)).toBeUndefined();
    }
    // A list forged to match the CRC of its head gets past the read: reading the paths then
    // fails with one line naming the file.
    const forged = `[1]\n${owned}`;
    const head = { ...(JSON.parse(headLine) as object), tailCrc32: crc32(Buffer.from(forged)) };
    await writeFile(file, `${JSON.stringify(head)}\n${forged}`);
    const got = await readLayerCache(dir, DIFF, a);
    expect(got?.results).toEqual(content(1).results);
    expect(() => got?.paths).toThrow(/layer cache .* is damaged/);
  });

  it("misses on any one byte of the path list changed (property)", async () => {
    const a = [analyzer("npm", 1)];
    const file = layerCachePath(dir, DIFF, a);
    await writeLayerCache(dir, DIFF, a, content(3));
    const original = await readFile(file);
    const tailAt = original.indexOf(0x0a) + 1;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: original.length - tailAt - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, delta) => {
          const bad = Buffer.from(original);
          bad[tailAt + at] = (bad[tailAt + at]! + delta) & 0xff;
          await writeFile(file, bad);
          expect(await readLayerCache(dir, DIFF, a)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
    await writeFile(file, original);
    expect((await readLayerCache(dir, DIFF, a))?.paths).toEqual(content(3).paths);
  });

  it("writes ASCII and reads back names in any script, lone surrogates included", async () => {
    const a = [analyzer("npm", 2)];
    const odd = { ...content(1), paths: ["/app/naïve", "/app/日本語/ファイル", "/app/😀", "/app/\ud800x"] };
    await writeLayerCache(dir, DIFF, a, odd);
    const raw = await readFile(layerCachePath(dir, DIFF, a));
    expect(raw.every((b) => b < 0x80)).toBe(true);
    expect((await readLayerCache(dir, DIFF, a))?.paths).toEqual(odd.paths);
  });
});

describe("asciiJson", () => {
  it("is JSON.stringify in ASCII: parses back to the same value for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        for (const v of [value, text, { [text]: [text, value] }]) {
          const ascii = asciiJson(v);
          expect([...ascii].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
          expect(JSON.parse(ascii)).toEqual(JSON.parse(JSON.stringify(v)));
        }
      }),
    );
  });
});

// Issue 11, defect 3: a layer-cache entry that never ends (a FIFO, a link to /dev/zero) or is
// over its bound hung the scan or grew memory past gigabytes. Each is a cache miss: the layer
// is walked again, and nothing is read from the planted file.
describe("hostile layer-cache entries are cache misses", () => {
  const analyzers = [analyzer("npm", 1)];
  const plant = async (how: (path: string) => Promise<void>): Promise<string> => {
    const path = layerCachePath(dir, DIFF, analyzers);
    await mkdir(join(dir, "layers"), { recursive: true });
    await how(path);
    return path;
  };

  it("a FIFO is not waited on", async () => {
    await plant(async (p) => void execFileSync("mkfifo", [p]));
    await expect(readLayerCache(dir, DIFF, analyzers)).resolves.toBeUndefined();
  });

  it("a symlink to /dev/zero is not read", async () => {
    await plant((p) => symlink("/dev/zero", p));
    await expect(readLayerCache(dir, DIFF, analyzers)).resolves.toBeUndefined();
  });

  it("a valid entry over BULWARK_MAX_LAYER_CACHE_BYTES is not read", async () => {
    await writeLayerCache(dir, DIFF, analyzers, content(1));
    await expect(readLayerCache(dir, DIFF, analyzers)).resolves.toBeDefined();
    process.env.BULWARK_MAX_LAYER_CACHE_BYTES = "1024";
    try {
      await expect(readLayerCache(dir, DIFF, analyzers)).resolves.toBeUndefined();
    } finally {
      delete process.env.BULWARK_MAX_LAYER_CACHE_BYTES;
    }
  });
});
