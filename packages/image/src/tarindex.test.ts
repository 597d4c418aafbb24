import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  gnuTarTree,
  makeTarVariants,
  pythonTarTree,
  sha256,
} from "../../testkit/src/fixtures/tar-variants.js";
import { indexTar } from "./tarindex.js";

// Differential test: the archive index must see exactly the file tree that GNU tar and
// Python's tarfile see (as the container runtimes do), for every header variant.
const work = mkdtempSync(join(tmpdir(), "bulwark-tarindex-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const archives = makeTarVariants(work);

const pythonTree = (archive: string) => pythonTarTree(archive);

async function bulwarkTree(archive: string): Promise<Record<string, string>> {
  const data = readFileSync(archive);
  const tree: Record<string, string> = {};
  for (const [name, m] of await indexTar(archive))
    tree[name] = sha256(data.subarray(m.offset, m.offset + m.size));
  return tree;
}

describe("tar index agrees with GNU tar and Python tarfile", () => {
  it("generated every variant", () => {
    expect(archives.sort()).toEqual([
      "base256-size.tar",
      "duplicates.tar",
      "gnu-long-names.tar",
      "pax-long-names.tar",
      "pax-size-override.tar",
      "ustar-prefix.tar",
    ]);
  });

  it.each(archives)("%s", async (name) => {
    const archive = join(work, name);
    const gnu = gnuTarTree(archive, work);
    expect(Object.keys(gnu).length).toBeGreaterThan(0);
    expect(pythonTree(archive)).toEqual(gnu);
    expect(await bulwarkTree(archive)).toEqual(gnu);
  });

  it("refuses an invalid PAX size with a clear error", async () => {
    const { writeFileSync } = await import("node:fs");
    const record = " size=12abc\n";
    const body = `${record.length + 2}${record}`;
    const header = Buffer.alloc(512);
    header.write("PaxHeaders/x", 0);
    header.write(body.length.toString(8).padStart(11, "0"), 124);
    header.write("x", 156);
    header.write("ustar\u000000", 257, "latin1");
    header.fill(0x20, 148, 156);
    header.write(
      header
        .reduce((a, b) => a + b, 0)
        .toString(8)
        .padStart(6, "0") + "\u0000 ",
      148,
      "latin1",
    );
    const data = Buffer.alloc(512);
    data.write(body);
    const file = join(work, "bad-pax.tar");
    writeFileSync(file, Buffer.concat([header, data, Buffer.alloc(1024)]));
    await expect(indexTar(file)).rejects.toMatchObject({
      code: "TARGET_UNKNOWN",
      message: expect.stringContaining("invalid PAX size"),
    });
  });
});
