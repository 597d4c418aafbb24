import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNothingWrittenOutsideCache } from "../../../testkit/src/image/confine.js";
import {
  compress,
  linesAnalyzer,
  makeTar,
  memImage,
  memLayer,
  type TarEntry,
} from "../../../testkit/src/walker/layers.js";
import { walkImage } from "./walk.js";

// Every layer here is hand-made with tar-stream or raw bytes: no real builder writes
// hostile layers. Each walk runs with HOME and cwd pointed at empty temp dirs, which must
// stay empty, and with a cache dir that must hold nothing for a rejected layer.

let root: string;
let cacheDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "bulwark-hostile-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
expectNothingWrittenOutsideCache(() => root);
beforeEach(() => {
  cacheDir = join(root, `cache-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
  const cached = await readdir(join(cacheDir, "layers")).catch(() => []);
  expect(cached).toEqual([]);
});

async function walkOne(blob: Buffer, tar: Buffer | undefined, limits = {}) {
  const layer = memLayer(blob, tar);
  const run = walkImage(memImage([layer]), [linesAnalyzer()], { cacheDir, limits });
  return { layer, run };
}

async function hostileTar(entries: TarEntry[]) {
  const tar = await makeTar(entries);
  return walkOne(gzipSync(tar), tar);
}

describe("hostile layers", () => {
  it("a truncated gzip layer is LAYER_CORRUPT naming the layer digest", async () => {
    const tar = await makeTar([{ name: "a.pkgs", content: "x 1\n".repeat(5000) }]);
    const gz = gzipSync(tar);
    const { layer, run } = await walkOne(gz.subarray(0, gz.length >> 1), tar);
    await expect(run).rejects.toMatchObject({
      code: "LAYER_CORRUPT",
      message: expect.stringContaining(layer.digest as string),
    });
  });

  it("a layer stream that fails before its first bytes is LAYER_CORRUPT", async () => {
    const layer = memLayer(Buffer.alloc(0), undefined);
    layer.open = async () =>
      new Readable({
        read() {
          this.destroy(new Error("disk read error"));
        },
      });
    await expect(walkImage(memImage([layer]), [linesAnalyzer()], { cacheDir })).rejects.toMatchObject({
      code: "LAYER_CORRUPT",
      message: expect.stringContaining("disk read error"),
    });
  });

  it("a failing layer is the error reported, and it cuts off layers still streaming", async () => {
    const tar = await makeTar([{ name: "big", content: Buffer.alloc(64 * 1024, 1) }]);
    const stalled = memLayer(tar, tar);
    let stalledStream: Readable | undefined;
    // Sends its first block, then nothing: the walk can only end if this stream is cut.
    stalled.open = async () =>
      (stalledStream = new Readable({
        read() {
          if (!this.readableLength && !(this as { sent?: boolean }).sent) {
            (this as { sent?: boolean }).sent = true;
            this.push(tar.subarray(0, 4096));
          }
        },
      }));
    const bad = memLayer(Buffer.from("definitely not a tar archive"), undefined);
    const openBad = bad.open.bind(bad);
    // The bad layer only fails once the stalled one is mid-stream.
    bad.open = async () => {
      while (!(stalledStream as { sent?: boolean } | undefined)?.sent)
        await new Promise((r) => setTimeout(r, 5));
      return openBad();
    };
    await expect(
      walkImage(memImage([stalled, bad]), [linesAnalyzer()], { cacheDir, concurrency: 2 }),
    ).rejects.toMatchObject({
      code: "LAYER_CORRUPT",
      message: expect.stringContaining(bad.digest as string),
    });
    expect(stalledStream?.destroyed).toBe(true);
  }, 60_000); // a hang guard: without the cut-off this walk never ends

  it("a truncated plain tar is LAYER_CORRUPT", async () => {
    const tar = await makeTar([{ name: "a.pkgs", content: "x 1\n".repeat(5000) }]);
    const { run } = await walkOne(tar.subarray(0, 3000), tar);
    await expect(run).rejects.toMatchObject({ code: "LAYER_CORRUPT" });
  });

  it("random bytes in gzip clothing are LAYER_CORRUPT", async () => {
    const junk = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(2000, 0x5a)]);
    const { run } = await walkOne(junk, undefined);
    await expect(run).rejects.toMatchObject({ code: "LAYER_CORRUPT" });
  });

  it("a truncated zstd layer is LAYER_CORRUPT", async () => {
    const tar = await makeTar([{ name: "a.pkgs", content: "x 1\n".repeat(50000) }]);
    const zst = compress(tar, "zstd");
    const { run } = await walkOne(zst.subarray(0, zst.length - 20), tar);
    await expect(run).rejects.toMatchObject({ code: "LAYER_CORRUPT" });
  });

  it.each<[string, TarEntry[], RegExp]>([
    [
      "an entry climbing out with ../",
      [{ name: "../../etc/cron.d/evil", content: "x" }],
      /"\.\.\/\.\.\/etc\/cron\.d\/evil"/,
    ],
    ["an absolute entry name", [{ name: "/etc/passwd", content: "root::0:0" }], /"\/etc\/passwd"/],
    [
      "a symlink whose relative target escapes",
      [{ name: "etc/evil", type: "symlink", linkname: "../../../host" }],
      /\/etc\/evil -> \.\.\/\.\.\/\.\.\/host/,
    ],
    [
      "a hard link to a path outside",
      [{ name: "x", type: "link", linkname: "../outside" }],
      /"\.\.\/outside"/,
    ],
  ])("%s is UNSAFE_PATH naming entry and layer", async (_what, entries, entryPattern) => {
    const { layer, run } = await hostileTar([{ name: "ok.pkgs", content: "a 1\n" }, ...entries]);
    const err = await run.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNSAFE_PATH" });
    expect((err as Error).message).toMatch(entryPattern);
    expect((err as Error).message).toContain(layer.digest);
  });

  it("an absolute symlink target is normal (it resolves inside the root)", async () => {
    const { run } = await hostileTar([
      { name: "usr/bin/awk", type: "symlink", linkname: "/etc/alternatives/awk" },
    ]);
    const [analysis] = await run;
    expect(analysis?.paths).toEqual(["/usr/bin/awk"]);
    await rm(cacheDir, { recursive: true, force: true }); // the accepted layer was cached
  });

  it("a decompression bomb trips the expansion-ratio guard (LAYER_TOO_LARGE)", async () => {
    const tar = await makeTar([{ name: "zeros", content: Buffer.alloc(32 * 1024 * 1024) }]);
    const bomb = gzipSync(tar, { level: 9 });
    expect(tar.length / bomb.length).toBeGreaterThan(500);
    const { layer, run } = await walkOne(bomb, tar, { ratioFloor: 4 * 1024 * 1024 });
    await expect(run).rejects.toMatchObject({
      code: "LAYER_TOO_LARGE",
      message: expect.stringContaining(layer.digest as string),
    });
  });

  it("BULWARK_MAX_LAYER_BYTES caps the uncompressed size of a layer", async () => {
    process.env.BULWARK_MAX_LAYER_BYTES = String(1024 * 1024);
    try {
      const tar = await makeTar([{ name: "data", content: Buffer.alloc(2 * 1024 * 1024, 1) }]);
      const { run } = await walkOne(tar, tar);
      await expect(run).rejects.toMatchObject({
        code: "LAYER_TOO_LARGE",
        message: expect.stringContaining("BULWARK_MAX_LAYER_BYTES"),
      });
    } finally {
      delete process.env.BULWARK_MAX_LAYER_BYTES;
    }
  });

  it("a layer whose content does not match its diffID is DIGEST_MISMATCH and is not cached", async () => {
    const real = await makeTar([{ name: "a.pkgs", content: "a 1\n" }]);
    const claimed = await makeTar([{ name: "a.pkgs", content: "a 2\n" }]);
    const { run } = await walkOne(gzipSync(real), claimed);
    await expect(run).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
  });
});
