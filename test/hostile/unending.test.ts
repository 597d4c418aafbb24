import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { oneLineError, runHostile } from "./harness.js";

// Issue 11, defect 3: inputs that never end. A symlink to /dev/zero grew memory past
// gigabytes and a FIFO hung forever; each must now be refused before it is read.
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-unending-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fifo = (path: string) => execFileSync("mkfifo", [path]);
const MEMORY_CEILING_MIB = 400;

function layoutWithIndex(name: string, plant: (index: string) => void): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  plant(join(dir, "index.json"));
  return dir;
}

function feedDir(name: string, plant: { kev?: (p: string) => void; zip?: (p: string) => void }): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "osv", "npm"), { recursive: true });
  mkdirSync(join(dir, "kev"), { recursive: true });
  plant.kev?.(join(dir, "kev", "known_exploited_vulnerabilities.json"));
  const zip = join(dir, "osv", "npm", "all.zip");
  if (plant.zip) plant.zip(zip);
  else {
    // A valid one-record feed (made with the real zip tool), so the import reaches the KEV file.
    const record = { id: "NSWG-ECO-1", modified: "2020-01-01T00:00:00Z", affected: [] };
    writeFileSync(join(work, "NSWG-ECO-1.json"), JSON.stringify(record));
    execFileSync("zip", ["-q", "-j", zip, join(work, "NSWG-ECO-1.json")]);
  }
  return dir;
}

describe("inputs that never end are refused before they are read", () => {
  it.each([
    ["index.json -> /dev/zero", (p: string) => symlinkSync("/dev/zero", p), "a device"],
    ["index.json is a FIFO", fifo, "a FIFO"],
  ])("OCI layout: %s", (label, plant, kind) => {
    const dir = layoutWithIndex(label.replace(/\W+/g, "-"), plant);
    const run = runHostile(["sbom", `oci:${dir}`], join(work, `cache-${kind}`));
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr, "TARGET_UNKNOWN")).toContain(
      `index.json is not a regular file (${kind})`,
    );
    expect(run.peakMiB).toBeLessThan(MEMORY_CEILING_MIB);
    expect(run.strayFiles).toEqual([]);
  });

  it("OCI layout: an index.json over its bound is refused by size, naming the bound", () => {
    // 2 MiB of valid JSON padding, over a bound lowered to 1 MiB: refused before parsing.
    const dir = layoutWithIndex("index-too-large", (p) =>
      writeFileSync(p, `{"schemaVersion":2,"manifests":[],"pad":"${"x".repeat(2 * 1024 * 1024)}"}`),
    );
    const run = runHostile(["sbom", `oci:${dir}`], join(work, "cache-large-index"), {
      BULWARK_MAX_IMAGE_JSON_BYTES: "1048576",
    });
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr, "FILE_TOO_LARGE")).toMatch(
      /index\.json is \d+ bytes, over the 1048576-byte limit \(raise it with BULWARK_MAX_IMAGE_JSON_BYTES\)/,
    );
    expect(run.strayFiles).toEqual([]);
  });

  it.each([
    ["KEV file -> /dev/zero", { kev: (p: string) => symlinkSync("/dev/zero", p) }, "KEV catalogue"],
    ["KEV file is a FIFO", { kev: fifo }, "KEV catalogue"],
    ["feed zip -> /dev/zero", { zip: (p: string) => symlinkSync("/dev/zero", p) }, "OSV feed"],
    ["feed zip is a FIFO", { zip: fifo }, "OSV feed"],
  ])("db update --source: %s", (label, plant, what) => {
    const source = feedDir(label.replace(/\W+/g, "-"), plant);
    const run = runHostile(["db", "update", "--source", source], join(work, `cache-${label}`));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${what} `);
    expect(run.stderr).toContain("is not a regular file");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.peakMiB).toBeLessThan(MEMORY_CEILING_MIB);
    expect(run.strayFiles).toEqual([]);
  });

  it("a vulnerability database that is a FIFO is reported as corrupt, not waited on", () => {
    const cache = join(work, "cache-db-fifo");
    mkdirSync(join(cache, "db"), { recursive: true });
    fifo(join(cache, "db", "vuln.db"));
    const tree = join(work, "tree");
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, "README"), "nothing here\n");
    const run = runHostile(["scan", "fs", tree, "--scanners", "vuln"], cache);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr, "DB_CORRUPT")).toContain("is not a regular file (a FIFO)");
    expect(run.strayFiles).toEqual([]);
  });
});
