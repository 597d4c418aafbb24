import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { oneLineError, runHostile } from "./harness.js";

// Issue 11, defects 8 and 9 through the real CLI: a compressed archive whose spool would pass
// its bound, and a secret in a file whose name is not UTF-8.
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-bytes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const MEMORY_CEILING_MIB = 400;

describe("hostile names and spools through the CLI", () => {
  it("finds a key in a file whose name is not UTF-8, and names the file with escapes", () => {
    const tree = join(work, "tree");
    mkdirSync(tree);
    // A GitHub token shape (ghp_ + 36 characters), made up for the test.
    const key = `ghp_${"Zq8Lm3Rt7Vx2Nc5Kp9Wb4Hd6Jf1Gs0Ay3UeQ"}`;
    writeFileSync(
      Buffer.concat([Buffer.from(`${tree}/deploy-`), Buffer.from([0xc3, 0x28]), Buffer.from(".sh")]),
      `export GH=${key}\n`,
    );
    const run = runHostile(
      ["scan", "fs", tree, "--scanners", "secret", "--format", "json"],
      join(work, "cache-a"),
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: Array<{ file: string }>; issues: unknown[] };
    expect(report.findings.map((f) => f.file)).toEqual(["deploy-\\xc3(.sh"]);
    expect(report.issues).toEqual([]);
    expect(run.stdout).not.toContain(key);
    expect(run.peakMiB).toBeLessThan(MEMORY_CEILING_MIB);
    expect(run.strayFiles).toEqual([]);
  });

  it("stops a gzip archive's spool at its bound with one line, leaving no temp copy", () => {
    // Not a real image: the bound is hit while decompressing, before the archive is read.
    const archive = join(work, "big.tar.gz");
    writeFileSync(archive, gzipSync(Buffer.alloc(8 * 1024 * 1024)));
    const cache = join(work, "cache-b");
    const run = runHostile(["sbom", `docker-archive:${archive}`], cache, {
      BULWARK_MAX_SPOOL_BYTES: "1048576",
    });
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr, "FILE_TOO_LARGE")).toContain("needs more than 1048576 bytes");
    expect(readdirSync(join(cache, "tmp"))).toEqual([]);
    expect(run.strayFiles).toEqual([]);
  });
});
