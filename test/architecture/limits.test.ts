/**
 * Issue 11, "one module owns limits": every size, count and deadline Bulwark applies to what
 * it reads comes from `packages/model/src/limits.ts`. A reader that reads its own bound from
 * the environment (as the layer decompressor, the registry client and the feed downloader
 * once did) would escape the documented table; this test names it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DEADLINES, deadline, limit, limitDefaults } from "../../packages/model/src/limits.js";

const repo = join(import.meta.dirname, "../..");
const OWNER = "packages/model/src/limits.ts";
const NOT_SHIPPED = /(\.test\.ts$|\/testutil\/|\/testdata\/|\/testing\/|\/testkit\/)/;
/** An environment variable of a bound used as a name on its own: read, not merely mentioned in a message. */
const BOUND_NAME =
  /["'`]BULWARK_(MAX_[A-Z_]+|[A-Z_]+_(MS|RATE))["'`]|process\.env\.BULWARK_(MAX_|[A-Z_]+_(MS|RATE)\b)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" || d.name === "dist" ? [] : sources(path);
    return d.name.endsWith(".ts") ? [path] : [];
  });
}

/** `file: NAME` for each bound read in `files` outside the owner. */
function boundsReadOutsideOwner(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const rel = relative(repo, file);
    if (rel === OWNER) continue;
    for (const m of readFileSync(file, "utf8").matchAll(BOUND_NAME)) found.push(`${rel}: ${m[0]}`);
  }
  return found;
}

describe("one module owns the bounds", () => {
  it("no shipped source reads a size bound or a deadline from the environment itself", () => {
    const files = readdirSync(join(repo, "packages"))
      .flatMap((p) => sources(join(repo, "packages", p, "src")))
      .filter((f) => !NOT_SHIPPED.test(relative(repo, f)));
    expect(files.length).toBeGreaterThan(100);
    expect(boundsReadOutsideOwner(files)).toEqual([]);
  });

  it("the check can fail: the old layer decompressor's own environment read is caught", () => {
    const dir = join(repo, "test/architecture/testdata/own-bound");
    expect(boundsReadOutsideOwner(sources(dir)).map((l) => l.replace(/^.*: /, ""))).toEqual([
      '"BULWARK_MAX_LAYER_BYTES"',
      "process.env.BULWARK_REGISTRY_TIMEOUT_MS",
    ]);
  });

  it("defaults apply, and each variable overrides its bound only with a positive number", () => {
    const saved = { ...process.env };
    try {
      delete process.env.BULWARK_UPLOAD_TIMEOUT_MS;
      delete process.env.BULWARK_MAX_LAYER_RATIO;
      expect(deadline("UPLOAD_MS")).toBe(DEADLINES.UPLOAD_MS.default);
      expect(limit("LAYER_RATIO")).toBe(limitDefaults.LAYER_RATIO);
      process.env.BULWARK_UPLOAD_TIMEOUT_MS = "250";
      process.env.BULWARK_MAX_LAYER_RATIO = "7";
      expect(deadline("UPLOAD_MS")).toBe(250);
      expect(limit("LAYER_RATIO")).toBe(7);
      for (const bad of ["0", "-5", "soon", ""]) {
        process.env.BULWARK_UPLOAD_TIMEOUT_MS = bad;
        expect(deadline("UPLOAD_MS")).toBe(DEADLINES.UPLOAD_MS.default);
      }
    } finally {
      process.env = saved;
    }
  });
});
