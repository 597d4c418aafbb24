import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Analyzer } from "../../../model/src/analyzer.js";
import { layerCachePath } from "../cache/layers.js";
import {
  compress,
  linesAnalyzer,
  makeTar,
  memImage,
  memLayer,
  type Compression,
} from "../../../testkit/src/walker/layers.js";
import { walkImage } from "./walk.js";

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "bulwark-walk-"));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function layerOf(
  entries: Parameters<typeof makeTar>[0],
  how: Compression = "gzip",
  createdBy?: string,
) {
  const tar = await makeTar(entries);
  return memLayer(compress(tar, how), tar, createdBy);
}

describe("walkImage over tar layers", () => {
  it.each<Compression>(["none", "gzip", "zstd"])(
    "reads %s layers: paths, whiteouts, opaque dirs, wanted files",
    async (how) => {
      const base = await layerOf(
        [
          { name: "./", type: "directory" },
          { name: "./app/", type: "directory" },
          { name: "./app/a.pkgs", content: "left-pad 1.3.0\n" },
          { name: "./app/readme.txt", content: "not wanted" },
          { name: "./etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" },
        ],
        how,
        "ADD base",
      );
      const top = await layerOf(
        [
          { name: "app/.wh.readme.txt" },
          { name: "var/cache/.wh..wh..opq" },
          { name: "app/b.pkgs", content: "react 18.2.0\nreact-dom 18.2.0\n" },
        ],
        how,
      );
      const layers = await walkImage(memImage([base, top]), [linesAnalyzer()], { cacheDir, noCache: true });
      expect(layers).toHaveLength(2);
      expect(layers[0]).toMatchObject({
        index: 0,
        digest: base.digest,
        diffId: base.diffId,
        createdBy: "ADD base",
        paths: ["/app", "/app/a.pkgs", "/app/readme.txt", "/etc/os-release"],
        whiteouts: [],
        opaqueDirs: [],
        issues: [],
      });
      expect(layers[0]?.results).toEqual([
        {
          analyzer: "lines",
          path: "/app/a.pkgs",
          output: { packages: [expect.objectContaining({ name: "left-pad", version: "1.3.0" })] },
        },
      ]);
      expect(layers[1]).toMatchObject({
        whiteouts: ["/app/readme.txt"],
        opaqueDirs: ["/var/cache"],
        paths: ["/app/b.pkgs"],
      });
      expect(layers[1]?.results[0]?.output.packages?.map((p) => p.name)).toEqual(["react", "react-dom"]);
    },
  );

  it("buffers a wanted file once for all analyzers and never reads unwanted ones", async () => {
    const seenA: Buffer[] = [];
    const seenB: Buffer[] = [];
    const a = linesAnalyzer(1, seenA);
    const b: Analyzer = { ...linesAnalyzer(1, seenB), name: "lines2" };
    const wantsCalls: string[] = [];
    const spy: Analyzer = {
      name: "spy",
      version: 1,
      wants: (path) => (wantsCalls.push(path), false),
      analyze: async () => {
        throw new Error("never called");
      },
    };
    const layer = await layerOf([
      { name: "x.pkgs", content: "a 1\n" },
      { name: "big.bin", content: Buffer.alloc(100_000, 7) },
      { name: "dir", type: "directory" },
    ]);
    const [analysis] = await walkImage(memImage([layer]), [a, b, spy], { cacheDir, noCache: true });
    expect(seenA).toHaveLength(1);
    expect(seenB[0]).toBe(seenA[0]);
    expect(wantsCalls).toEqual(["/x.pkgs", "/big.bin"]);
    expect(analysis?.results.map((r) => r.analyzer)).toEqual(["lines", "lines2"]);
  });

  it("turns an analyzer exception into a FileIssue and keeps walking", async () => {
    const layer = await layerOf([
      { name: "bad.pkgs", content: "!garbage" },
      { name: "good.pkgs", content: "ok 2.0\n" },
    ]);
    const [analysis] = await walkImage(memImage([layer]), [linesAnalyzer()], { cacheDir, noCache: true });
    expect(analysis?.issues).toEqual([
      { path: "/bad.pkgs", code: "PARSE", message: "lines: bad line format", layer: layer.digest },
    ]);
    expect(analysis?.results.map((r) => r.path)).toEqual(["/good.pkgs"]);
  });
});

describe("layer order", () => {
  it("walks layers concurrently but returns them in image order", async () => {
    const layers = await Promise.all(
      [5, 1, 4, 2, 3].map((n, i) => layerOf([{ name: `l${i}.pkgs`, content: `p${i} 1\n`.repeat(n * 2000) }])),
    );
    const serial = await walkImage(memImage(layers), [linesAnalyzer()], {
      cacheDir,
      noCache: true,
      concurrency: 1,
    });
    const parallel = await walkImage(memImage(layers), [linesAnalyzer()], {
      cacheDir,
      noCache: true,
      concurrency: 4,
    });
    expect(parallel).toEqual(serial);
    expect(parallel.map((l) => l.paths[0])).toEqual([
      "/l0.pkgs",
      "/l1.pkgs",
      "/l2.pkgs",
      "/l3.pkgs",
      "/l4.pkgs",
    ]);
  });
});

describe("layer cache", () => {
  it("does not open cached layers on the second walk", async () => {
    const l1 = await layerOf([{ name: "a.pkgs", content: "a 1\n" }]);
    const l2 = await layerOf([{ name: "b.pkgs", content: "!bad" }]);
    const image = memImage([l1, l2]);
    const first = await walkImage(image, [linesAnalyzer()], { cacheDir });
    expect([l1.opens, l2.opens]).toEqual([1, 1]);
    const second = await walkImage(image, [linesAnalyzer()], { cacheDir });
    expect([l1.opens, l2.opens]).toEqual([1, 1]);
    expect(second).toEqual(first);
    expect(await readdir(join(cacheDir, "layers"))).toHaveLength(2);
  });

  it("misses when an analyzer version changes, and when noCache is set", async () => {
    const l1 = await layerOf([{ name: "a.pkgs", content: "a 1\n" }]);
    const image = memImage([l1]);
    await walkImage(image, [linesAnalyzer(1)], { cacheDir });
    await walkImage(image, [linesAnalyzer(2)], { cacheDir });
    expect(l1.opens).toBe(2);
    await walkImage(image, [linesAnalyzer(2)], { cacheDir, noCache: true });
    expect(l1.opens).toBe(3);
  });

  it("walks a layer again when its cached path list is damaged inside its brackets", async () => {
    const l1 = await layerOf([{ name: "a.pkgs", content: "a 1\n" }]);
    const image = memImage([l1]);
    const analyzers = [linesAnalyzer()];
    const first = await walkImage(image, analyzers, { cacheDir });
    const file = layerCachePath(cacheDir, l1.diffId as string, analyzers);
    const intact = await readFile(file, "utf8");
    const [head, , owned] = intact.split("\n");
    // JSON.parse would take it; the CRC-32 in the head does not.
    await writeFile(file, `${head}\n["/b.pkgs"]\n${owned}`);
    const [again] = await walkImage(image, analyzers, { cacheDir });
    expect(l1.opens).toBe(2);
    expect(again).toEqual(first[0]);
    expect(await readFile(file, "utf8")).toBe(intact); // rewritten
    const [third] = await walkImage(image, analyzers, { cacheDir });
    expect(l1.opens).toBe(2);
    expect(third?.paths).toEqual(first[0]?.paths);
  });

  it("ignores a corrupt cache file and rewrites it", async () => {
    const l1 = await layerOf([{ name: "a.pkgs", content: "a 1\n" }]);
    const image = memImage([l1]);
    const analyzers = [linesAnalyzer()];
    const first = await walkImage(image, analyzers, { cacheDir });
    const file = layerCachePath(cacheDir, l1.diffId as string, analyzers);
    await writeFile(file, '{"schema":1,"diffId":"trunc');
    const again = await walkImage(image, analyzers, { cacheDir });
    expect(l1.opens).toBe(2);
    expect(again).toEqual(first);
    // The first line of a cache file is its head (the second, the layer's paths).
    const [head] = (await readFile(file, "utf8")).split("\n");
    expect(JSON.parse(head as string)).toMatchObject({
      diffId: l1.diffId,
      analyzers: ["lines@1"],
    });
    await walkImage(image, analyzers, { cacheDir });
    expect(l1.opens).toBe(2);
  });
});
