import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runHostile } from "./harness.js";

// Issue 11, defect 7 through the real CLI: a valid 250 MB dpkg status file peaked between 1.4
// and 4 GB, because it was read and split whole. Read as a stream, the peak follows the
// largest record (here 128 KiB of description), not the file: 256 MiB of status must be
// catalogued well below the file's own size in memory. A whole-file read alone (the bytes
// plus their decoded text) would pass the ceiling. A status over its bound was skipped in
// silence (an image "without packages"); it is now the file's issue in the report.
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-dpkg-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const PACKAGES = 2_048;
const DESCRIPTION_LINES = 1_872; // 70 bytes each: ~128 KiB per package, 256 MiB in all
const MEMORY_CEILING_MIB = 256;

function writeStatus(path: string, packages = PACKAGES): void {
  const fd = openSync(path, "w");
  try {
    const line = ` ${"generated description text for the dpkg scale case".padEnd(68, ".")}\n`;
    const description = line.repeat(DESCRIPTION_LINES);
    for (let i = 0; i < packages; i++)
      writeSync(
        fd,
        `Package: big-${i}\nStatus: install ok installed\nArchitecture: amd64\n` +
          `Version: 1.${i}-1\nDescription: package ${i} with a long description\n${description}\n`,
      );
  } finally {
    closeSync(fd);
  }
}

describe("a 256 MiB dpkg status file through the CLI", () => {
  it("over the package-database bound is an issue naming the file and the bound, not an empty SBOM", () => {
    const root = join(work, "small-rootfs");
    mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
    const status = join(root, "var/lib/dpkg/status");
    writeStatus(status, 16);
    const run = runHostile(["sbom", `rootfs:${root}`, "--format", "json"], join(work, "cache-small"), {
      BULWARK_MAX_PACKAGE_DB_BYTES: "1048576",
    });
    expect(run.code).toBe(0);
    const sbom = JSON.parse(run.stdout) as {
      packages: unknown[];
      issues: Array<{ path: string; code: string; message: string }>;
    };
    expect(sbom.packages).toEqual([]);
    expect(sbom.issues).toEqual([
      {
        path: "/var/lib/dpkg/status",
        code: "FILE_TOO_LARGE",
        message: `dpkg: package database /var/lib/dpkg/status is ${statSync(status).size} bytes, over the 1048576-byte limit (raise it with BULWARK_MAX_PACKAGE_DB_BYTES); its packages are not listed`,
        layer: expect.any(String),
      },
    ]);
    expect(run.strayFiles).toEqual([]);
  });

  it("is catalogued in full, package by package, with memory far below the file's size", () => {
    const root = join(work, "rootfs");
    mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
    const status = join(root, "var/lib/dpkg/status");
    writeStatus(status);
    expect(statSync(status).size).toBeGreaterThan(256 * 1024 * 1024);
    const run = runHostile(["sbom", `rootfs:${root}`, "--format", "json"], join(work, "cache"));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    const sbom = JSON.parse(run.stdout) as { packages: Array<{ name: string; version: string }> };
    expect(sbom.packages).toHaveLength(PACKAGES);
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`)).toContain(
      `big-${PACKAGES - 1}@1.${PACKAGES - 1}-1`,
    );
    expect(run.peakMiB).toBeLessThan(MEMORY_CEILING_MIB);
    expect(run.strayFiles).toEqual([]);
  });
});
