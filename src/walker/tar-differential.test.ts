import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Analyzer } from "../analyzer/types.js";
import { walkTar } from "./tarlayer.js";

// Differential test: a layer walk offers the analyzers exactly the files GNU tar extracts
// (the tree a container runtime would build), for every tar header variant, including
// hard links (offered under their own name) and duplicate names (the last one wins).
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "bulwark-tar-diff-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
execFileSync("python3", [join(here, "../../test/fixtures/tar-variants.py"), work]);
const archives = readdirSync(work).filter((f) => f.endsWith(".tar"));

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const everything: Analyzer = {
  name: "everything",
  version: 1,
  wants: () => true,
  analyze: async (file) => ({ facts: [{ sha: sha(await file.read()) }] }),
};

function gnuTarTree(archive: string): Record<string, string> {
  const dir = mkdtempSync(join(work, "x-"));
  execFileSync("tar", ["-xf", archive, "-C", dir]);
  const tree: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else tree[`/${relative(dir, p)}`] = sha(readFileSync(p));
    }
  };
  walk(dir);
  return tree;
}

describe("layer walk agrees with GNU tar", () => {
  it.each(archives)("%s", async (name) => {
    const archive = join(work, name);
    const out = await walkTar(createReadStream(archive), [everything], "sha256:test");
    const tree: Record<string, string> = {};
    for (const r of out.results) tree[r.path] = String(r.output.facts?.[0]?.sha);
    expect(out.issues).toEqual([]);
    expect(tree).toEqual(gnuTarTree(archive));
  });
});
