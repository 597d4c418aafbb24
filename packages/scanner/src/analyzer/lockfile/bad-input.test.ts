/**
 * Bad input for every lockfile parser: truncated, invalid, deeply nested and huge files
 * in a tree that also holds a good lockfile. Each bad file gets an issue naming it (or,
 * for line formats where a cut file is still valid, only the entries it still holds);
 * the good lockfile's packages are always there. Run through the real CLI (`sbom rootfs:`).
 * Property test: no parser throws anything but a PARSE error on arbitrary text.
 */
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BulwarkError } from "../../../../model/src/errors.js";
import { runCli } from "../../../../cli/src/testutil/cli.js";
import type { Inventory } from "../../../../model/src/package.js";
import { lockParserFor } from "./registry.js";
import { SAMPLES } from "./testdata/samples.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "bulwark-lockfile-bad-"));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Formats whose structure is a parsed document (JSON, YAML, TOML, XML, yarn v1): broken input must be an issue.
const STRUCTURED: Record<string, string> = {
  "package-lock.json": "[".repeat(200_000),
  "Pipfile.lock": "[".repeat(200_000),
  "composer.lock": "[".repeat(200_000),
  "packages.lock.json": "[".repeat(200_000),
  "pnpm-lock.yaml": `lockfileVersion: '9.0'\npackages: ${"[".repeat(200_000)}`,
  "poetry.lock": `a = ${"[".repeat(200_000)}`,
  "uv.lock": `a = ${"[".repeat(200_000)}`,
  "Cargo.lock": `a = ${"[".repeat(200_000)}`,
  "pom.xml": `<project>${"<a>".repeat(200_000)}`,
  "yarn.lock": `a:\n${Array.from({ length: 2000 }, (_, i) => `${"  ".repeat(i + 1)}k${i}:`).join("\n")}\n`,
};
const LINE_FORMATS = ["requirements.txt", "go.mod", "Gemfile.lock", "gradle.lockfile"];

async function sbom(root: string): Promise<Inventory> {
  const r = await runCli(["--cache-dir", tmp(), "sbom", `rootfs:${root}`, "--format", "json"]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Inventory;
}

/** A tree with a good package-lock.json at the top and one bad file per case below it. */
function treeWith(cases: Record<string, string | Buffer>): string {
  const root = tmp();
  writeFileSync(join(root, "package-lock.json"), SAMPLES["package-lock.json"]!.text);
  for (const [dir, content] of Object.entries(cases)) {
    const [sub, name] = dir.split("|") as [string, string];
    mkdirSync(join(root, sub), { recursive: true });
    writeFileSync(join(root, sub, name), content);
  }
  return root;
}

function goodPackagesPresent(inv: Inventory): void {
  const top = inv.packages.filter((p) => p.locations.some((l) => l.path === "/package-lock.json"));
  expect(top.map((p) => p.name).sort()).toEqual(["lodash", "ms"]);
}

function issuePaths(inv: Inventory): string[] {
  return inv.issues.map((i) => i.path).sort();
}

describe("bad lockfiles never stop the scan", () => {
  it("invalid content: an issue per structured file, the rest scanned", async () => {
    const names = Object.keys(STRUCTURED);
    const inv = await sbom(
      treeWith(Object.fromEntries(names.map((n, i) => [`bad${i}|${n}`, "{{ not :: valid [[ <<\u0001"]))),
    );
    goodPackagesPresent(inv);
    expect(issuePaths(inv)).toEqual(names.map((n, i) => `/bad${i}/${n}`).sort());
  });

  it("deeply nested content: an issue per structured file (no stack overflow), the rest scanned", async () => {
    const names = Object.keys(STRUCTURED);
    const inv = await sbom(
      treeWith(Object.fromEntries(names.map((n, i) => [`deep${i}|${n}`, STRUCTURED[n]!]))),
    );
    goodPackagesPresent(inv);
    expect(issuePaths(inv)).toEqual(
      names
        .filter((n) => n !== "yarn.lock")
        .map((n) => `/deep${names.indexOf(n)}/${n}`)
        .sort(),
    );
  });

  it("truncated content: structured files become issues, line formats keep the entries before the cut", async () => {
    const cases: Record<string, string> = {};
    for (const [name, s] of Object.entries(SAMPLES)) {
      if (name === "package-lock.json") continue;
      // Cut inside the last quoted or bracketed token so the document cannot be complete.
      cases[`cut-${name}|${name}`] = s.text.slice(0, Math.floor(s.text.length * 0.6));
    }
    const inv = await sbom(treeWith(cases));
    goodPackagesPresent(inv);
    for (const name of Object.keys(cases).map((k) => k.split("|")[1]!)) {
      const path = `/cut-${name}/${name}`;
      const fromFile = inv.packages.filter((p) => p.locations.some((l) => l.path === path));
      const hasIssue = inv.issues.some((i) => i.path === path);
      const full = SAMPLES[name]!.expect.length;
      // Either the parser refused the file (issue) or it reported at most what the file held.
      expect(fromFile.length, name).toBeLessThanOrEqual(full);
      // A cut JSON/TOML/XML document is never complete: it must be refused, not half-read.
      if (
        /\.(json|lock|xml)$/.test(name) &&
        !["yarn.lock", "Gemfile.lock", "Cargo.lock", "poetry.lock", "uv.lock"].includes(name)
      )
        expect(hasIssue, name).toBe(true);
    }
  });

  it("huge files (over 64 MiB, sparse): an issue naming the limit, never read", async () => {
    const root = treeWith({});
    for (const name of [...Object.keys(STRUCTURED), ...LINE_FORMATS]) {
      mkdirSync(join(root, `huge-${name}`));
      execFileSync("truncate", ["-s", "65M", join(root, `huge-${name}`, name)]);
    }
    const inv = await sbom(root);
    goodPackagesPresent(inv);
    const huge = inv.issues.filter((i) => i.path.startsWith("/huge-"));
    expect(huge).toHaveLength(Object.keys(STRUCTURED).length + LINE_FORMATS.length);
    for (const i of huge) expect(i.message).toMatch(/over the 67108864-byte lockfile limit/);
  });
});

describe("parsers on arbitrary text (property)", () => {
  for (const name of Object.keys(SAMPLES)) {
    it(`${name}: returns packages or throws a PARSE error, nothing else`, async () => {
      const parse = await lockParserFor(name)!();
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.string({ unit: "binary" }),
            fc.constant(SAMPLES[name]!.text).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
          ),
          (text) => {
            try {
              const out = parse(text, `/x/${name}`);
              for (const p of out.packages) expect(p.name.length).toBeGreaterThan(0);
            } catch (e) {
              expect(e).toBeInstanceOf(BulwarkError);
              expect((e as BulwarkError).code).toBe("PARSE");
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

describe("file names that are Object.prototype members", () => {
  it("are not dependency files, and a tree of them scans clean", async () => {
    const names = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
    for (const n of names) expect(lockParserFor(n), n).toBeUndefined();
    const dir = tmp();
    for (const n of names) writeFileSync(join(dir, n), "x");
    const r = await runCli(["--quiet", "sbom", `rootfs:${dir}`, "--format", "json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Inventory & { issues?: unknown[] }).issues ?? []).toEqual([]);
  });
});
