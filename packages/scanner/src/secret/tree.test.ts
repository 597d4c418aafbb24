import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContext } from "./config.js";
import { fill, prng } from "./testutil/generate.js";
import { scanTree, type TreeScan } from "./tree.js";

/** Hostile trees are made on disk at test time; nothing here exists as a checked-in fixture. */
const rand = prng(5);
const token = (): string => fill("ghp_{A62:36}", rand);
const ctx = buildContext({});
let root: string;
const secrets: Record<string, string> = {};

function plant(rel: string, content: string | Buffer): void {
  const path = join(root, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "bulwark-secret-tree-"));
  secrets.plain = token();
  plant("src/app.ts", `const a = 1;\nconst t = "${secrets.plain}";\n`);
  // Binary: NUL bytes up front, a token inside.
  plant("bin/tool", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(token())]));
  plant("img/logo.png", `not really a png ${token()}`);
  // Invalid UTF-8 around a token.
  secrets.latin = token();
  plant(
    "data/latin1.txt",
    Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`key ${secrets.latin}\n`)]),
  );
  // A minified bundle on one 3 MiB line, token deep inside, not called .min.js (so scanned).
  secrets.minified = token();
  const filler = "var a=function(b){return b+1};".repeat(100_000);
  plant("dist/bundle.js", `${filler}var k="${secrets.minified}";${filler}`);
  plant("dist/vendor.min.js", `${filler}var k="${token()}";`);
  plant("node_modules/lib/index.js", `module.exports = "${token()}";\n`);
  plant("package-lock.json", `{"t": "${token()}"}\n`);
  // Deep tree: 200 levels, a token at depth 100 (found) and at depth 200 (too deep).
  let deep = "deep";
  for (let i = 0; i < 200; i++) {
    deep = join(deep, "d");
    if (i === 99) {
      secrets.deep = token();
      plant(join(deep, "at100.txt"), `${secrets.deep}\n`);
    }
  }
  plant(join(deep, "at200.txt"), `${token()}\n`);
  // Symlink loops and a link out of the tree.
  symlinkSync("..", join(root, "src/loop"));
  symlinkSync(root, join(root, "deep/self"));
  symlinkSync("/etc", join(root, "outside"));
  execFileSync("mkfifo", [join(root, "src/fifo")]);
  // 1 GB, sparse: never read.
  writeFileSync(join(root, "huge.log"), "");
  truncateSync(join(root, "huge.log"), 1024 ** 3);
  // 20 MiB streamed in 1 MiB chunks: tokens straddling a chunk and a window boundary, and at the end.
  const big = join(root, "logs/big.log");
  mkdirSync(join(root, "logs"));
  writeFileSync(big, "");
  const line = "2024-01-01 INFO request served in 3 ms\n"; // 40 bytes
  const block = line.repeat((1024 * 1024) / line.length);
  secrets.chunk = token();
  secrets.end = token();
  appendFileSync(big, block.slice(0, 1024 * 1024 - 20));
  appendFileSync(big, `${secrets.chunk}\n`);
  for (let i = 0; i < 19; i++) appendFileSync(big, block);
  appendFileSync(big, `last ${secrets.end}\n`);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** grep is the independent oracle for line numbers. */
function grepLine(needle: string, rel: string): number {
  return Number(
    execFileSync("grep", ["-n", "-F", needle, join(root, rel)], { encoding: "utf8" }).split(":")[0],
  );
}

function reasons(scan: TreeScan): Record<string, string> {
  return Object.fromEntries(scan.skipped.map((s) => [s.path, `${s.reason}: ${s.detail}`]));
}

describe("tree walk on hostile input", () => {
  let scan: TreeScan;
  beforeAll(async () => {
    scan = await scanTree(ctx, root);
  });

  it("finds secrets in text, invalid UTF-8, one-line bundles, deep trees and streamed big files", () => {
    const found = scan.hits.map((h) => `${h.file}:${h.hit.line}`).sort();
    expect(found).toEqual(
      [
        "data/latin1.txt:2",
        "dist/bundle.js:1",
        "src/app.ts:2",
        `${"deep/" + "d/".repeat(100)}at100.txt:1`,
        `logs/big.log:${grepLine(secrets.chunk!, "logs/big.log")}`,
        `logs/big.log:${grepLine(secrets.end!, "logs/big.log")}`,
      ].sort(),
    );
  });

  it("reads a file whose name is not valid UTF-8 (names are bytes) and shows the name escaped", async () => {
    // Issue 11 defect 9: such a file used to get an "ENOENT" issue and its key was missed.
    const dir = mkdtempSync(join(tmpdir(), "bulwark-secret-bytes-"));
    try {
      const secret = token();
      const name = Buffer.concat([
        Buffer.from(`${dir}/conf-`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(".env"),
      ]);
      writeFileSync(name, `TOKEN=${secret}\n`);
      const bytesScan = await scanTree(ctx, dir);
      expect(bytesScan.hits.map((h) => h.file)).toEqual(["conf-\\xff\\xfe.env"]);
      expect(bytesScan.skipped.filter((k) => k.reason === "unreadable")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("states why everything else was skipped", () => {
    const r = reasons(scan);
    expect(r["bin/tool"]).toMatch(/^binary: NUL byte/);
    expect(r["img/logo.png"]).toMatch(/^binary: binary file type/);
    expect(r["dist/vendor.min.js"]).toMatch(/^noise:/);
    expect(r["node_modules"]).toMatch(/^noise: vendored/);
    expect(r["package-lock.json"]).toMatch(/^noise:/);
    expect(r["src/loop"]).toMatch(/^symlink:/);
    expect(r["deep/self"]).toMatch(/^symlink:/);
    expect(r["outside"]).toMatch(/^symlink:/);
    expect(r["src/fifo"]).toMatch(/^special:/);
    expect(r["huge.log"]).toBe("too-large: 1.0 GiB is over the 256.0 MiB secret scan limit");
    expect(Object.entries(r).filter(([, v]) => v.startsWith("too-deep")).length).toBe(1);
  });

  it("scans vendored and generated files with includeNoise", async () => {
    const noisy = await scanTree(ctx, root, { includeNoise: true });
    const files = new Set(noisy.hits.map((h) => h.file));
    for (const f of ["dist/vendor.min.js", "node_modules/lib/index.js", "package-lock.json"])
      expect(files.has(f)).toBe(true);
    expect(files.has("bin/tool")).toBe(false);
  });

  it("keeps memory bounded on the 20 MiB file: it is read in 1 MiB chunks, never whole", async () => {
    // External (Buffer) memory: one 1 MiB chunk buffer, not the 20 MiB file. Garbage from
    // other tests in this process can land in one measurement, so the least of three counts;
    // reading the file whole would cost 20 MiB every time.
    const growth: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = process.memoryUsage().arrayBuffers;
      const one = await scanTree(ctx, join(root, "logs/big.log"));
      expect(one.hits).toHaveLength(2);
      growth.push(process.memoryUsage().arrayBuffers - before);
    }
    expect(Math.min(...growth)).toBeLessThan(8 * 1024 * 1024);
  });
});
