import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Analyzer } from "../../../model/src/analyzer.js";
import {
  gnuTarTree,
  makeSparseVariants,
  makeTarVariants,
  pythonTarTree,
  sha256,
} from "../../../testkit/src/fixtures/tar-variants.js";
import { walkTar } from "./tarlayer.js";

// Differential test: a layer walk offers the analyzers exactly the files GNU tar extracts
// and Python's tarfile reads (the tree a container runtime would build), for every tar
// header variant, including hard links (offered under their own name), duplicate names (the
// last one wins) and sparse files in all four encodings (expanded, under their real names).
const work = mkdtempSync(join(tmpdir(), "bulwark-tar-diff-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const archives = [...makeTarVariants(work), ...makeSparseVariants(work)];

const everything: Analyzer = {
  name: "everything",
  version: 1,
  wants: () => true,
  // The content hash rides in ownedFiles.owner: the walk's results then say which version
  // of each path it kept, exactly as they would for a real analyzer's output.
  analyze: async (file) => ({ ownedFiles: { owner: sha256(await file.read()), files: [] } }),
};

describe("layer walk agrees with GNU tar", () => {
  it.each(archives)("%s", async (name) => {
    const archive = join(work, name);
    const out = await walkTar(createReadStream(archive), [everything], "sha256:test");
    const tree: Record<string, string> = {};
    for (const r of out.results) tree[r.path] = String(r.output.ownedFiles?.owner);
    expect(out.issues).toEqual([]);
    const gnu = gnuTarTree(archive, work, "/");
    expect(pythonTarTree(archive, "/")).toEqual(gnu);
    expect(tree).toEqual(gnu);
  });
});

describe("sparse files over the expansion bound", () => {
  it("are listed as not analysed, and the rest of the layer is", async () => {
    const archive = join(work, "sparse-gnu.tar");
    process.env.BULWARK_MAX_SPARSE_FILE_BYTES = "1000";
    try {
      const out = await walkTar(createReadStream(archive), [everything], "sha256:test");
      expect(out.results).toEqual([]);
      expect(out.paths).toEqual(["/holes.bin"]);
      expect(out.issues).toMatchObject([
        {
          path: "/holes.bin",
          code: "UNSUPPORTED",
          message: expect.stringContaining("BULWARK_MAX_SPARSE_FILE_BYTES"),
        },
      ]);
    } finally {
      delete process.env.BULWARK_MAX_SPARSE_FILE_BYTES;
    }
  });
});
