/**
 * What `npm pack` would publish: every published workspace package carries its built code and
 * nothing of the tests — no test files, harnesses (testkit, testutil/, testing/), fixtures or
 * testdata. Runs the real `npm pack --dry-run` on a real build (`tsc -b`, incremental).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const TEST_MATTER = /(\.test\.|(^|\/)(testkit|testutil|testing|testdata|fixtures|test)\/|test-helpers)/;

interface Manifest {
  name: string;
  private?: boolean;
}
const packages = readdirSync(join(repo, "packages")).map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(repo, "packages", dir, "package.json"), "utf8")) as Manifest,
}));
const published = packages.filter((p) => !p.manifest.private);

function packedFiles(dir: string): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: join(repo, "packages", dir),
    encoding: "utf8",
  });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}

describe("npm pack of the published packages", () => {
  beforeAll(() => {
    execFileSync("npm", ["run", "-s", "build"], { cwd: repo, stdio: "inherit" });
  });

  it("publishes the CLI and its libraries; the root and the testkit stay private", () => {
    const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as Manifest;
    expect(root.private).toBe(true);
    expect(packages.find((p) => p.dir === "testkit")?.manifest.private).toBe(true);
    expect(published.map((p) => p.manifest.name)).toContain("bulwark");
  });

  it.each(published.map((p) => p.dir))("packages/%s contains built code and no test matter", (dir) => {
    const files = packedFiles(dir);
    expect(files).toContain("dist/index.js");
    expect(files.filter((f) => f.startsWith("src/"))).toEqual([]);
    expect(files.filter((f) => TEST_MATTER.test(f))).toEqual([]);
  });

  it("ships the data files modules read beside themselves (the runtime's default rules)", () => {
    expect(packedFiles("runtime")).toContain("dist/rules/default/bulwark_rules.yaml");
  });
});
