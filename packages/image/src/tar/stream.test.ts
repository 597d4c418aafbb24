import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { TarFormatError } from "./sparse.js";
import { readTar } from "./stream.js";

const work = mkdtempSync(join(tmpdir(), "bulwark-tarstream-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Reads every entry (and its bytes) of a tar held in memory, cut into chunks of `chunk` bytes. */
async function readAll(
  data: Buffer,
  chunk = 4096,
): Promise<Array<{ name: string; size: number; body: Buffer }>> {
  async function* chunks() {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
  }
  const out = [];
  for await (const e of readTar(chunks())) out.push({ name: e.name, size: e.size, body: await e.read() });
  return out;
}

/** A PAX archive written by Python's tarfile with the given extra PAX records on one file. */
function paxTar(name: string, data: Buffer, pax: Record<string, string>): Buffer {
  const file = join(work, `${name}.tar`);
  const script = [
    "import io, json, sys, tarfile",
    "info = tarfile.TarInfo(sys.argv[2]); data = bytes.fromhex(sys.argv[3]); info.size = len(data)",
    "info.pax_headers = json.loads(sys.argv[4])",
    "with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as tf: tf.addfile(info, io.BytesIO(data))",
  ].join("\n");
  execFileSync("python3", ["-c", script, file, name, data.toString("hex"), JSON.stringify(pax)]);
  return readFileSync(file);
}

describe("readTar", () => {
  it("reads the same entries whatever the chunking of the stream", async () => {
    const tar = paxTar("a", Buffer.from("hello\n"), {});
    for (const chunk of [1, 7, 512, 100_000]) expect(await readAll(tar, chunk)).toEqual(await readAll(tar));
  });

  it("reads the stream to its end after the end-of-archive block (a layer's diffID hashes every byte)", async () => {
    const tar = Buffer.concat([paxTar("pad", Buffer.from("x"), {}), Buffer.alloc(1024 * 1024)]);
    let pulled = 0;
    async function* chunks() {
      for (let i = 0; i < tar.length; i += 4096) {
        pulled += Math.min(4096, tar.length - i);
        yield tar.subarray(i, i + 4096);
      }
    }
    for await (const e of readTar(chunks())) await e.read();
    expect(pulled).toBe(tar.length);
  });

  it("a stream that ends inside a header is truncated, not an empty archive", async () => {
    await expect(readAll(Buffer.from("definitely not a tar archive"))).rejects.toBeInstanceOf(TarFormatError);
  });

  it("a header with a wrong checksum is refused", async () => {
    const tar = Buffer.from(paxTar("b", Buffer.from("x"), {}));
    tar[0] = tar[0]! ^ 0xff;
    await expect(readAll(tar)).rejects.toThrow(/checksum/);
  });

  it.each([
    ["a map that passes the end of the file", { "GNU.sparse.size": "10", "GNU.sparse.map": "5,10" }, /end/],
    [
      "a map covering more than is stored",
      { "GNU.sparse.size": "100", "GNU.sparse.map": "0,50" },
      /covers 50/,
    ],
    ["segments that go backwards", { "GNU.sparse.size": "100", "GNU.sparse.map": "50,2,0,2" }, /backwards/],
    ["an odd number of map fields", { "GNU.sparse.size": "100", "GNU.sparse.map": "0" }, /malformed/],
    ["a size that is not a number", { "GNU.sparse.size": "1e9", "GNU.sparse.map": "0,4" }, /GNU.sparse.size/],
  ])("a hostile PAX 0.1 sparse map is refused: %s", async (_what, pax, message) => {
    await expect(readAll(paxTar("c", Buffer.from("abcd"), pax))).rejects.toThrow(message);
  });

  it("a sparse map claiming a terabyte is described, not expanded, until someone reads it", async () => {
    const tar = paxTar("d", Buffer.from("abcd"), {
      "GNU.sparse.size": String(2 ** 40),
      "GNU.sparse.map": "0,4",
    });
    async function* one() {
      yield tar;
    }
    const entries = [];
    for await (const e of readTar(one())) entries.push({ name: e.name, size: e.size, sparse: e.sparse });
    expect(entries).toEqual([
      { name: "d", size: 2 ** 40, sparse: { realSize: 2 ** 40, segments: [{ offset: 0, length: 4 }] } },
    ]);
  });

  it("never fails with anything but TarFormatError on arbitrary bytes, or a mutated real archive", async () => {
    const real = paxTar("e", Buffer.from("content\n".repeat(100)), {
      "GNU.sparse.size": "1000",
      "GNU.sparse.map": "0,800",
    });
    writeFileSync(join(work, "seed"), real);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
          fc
            .array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
            .map((flips) => {
              const b = Buffer.from(real);
              for (const [at, v] of flips) b[at] = v;
              return b;
            }),
        ),
        async (data) => {
          try {
            await readAll(data, 333);
          } catch (e) {
            expect(e).toBeInstanceOf(TarFormatError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("entry bytes as the stream's pieces", () => {
  it("readParts gives the same bytes as read, for files cut across many stream chunks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-tar-parts-"));
    const body = Buffer.alloc(100_000, 0);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 251;
    writeFileSync(join(dir, "f"), body);
    const archive = execFileSync("tar", ["-c", "-C", dir, "f"]);
    rmSync(dir, { recursive: true, force: true });
    // Deliver the archive in 4,099-byte chunks so the file spans many of them.
    async function* chunks() {
      for (let at = 0; at < archive.length; at += 4099) yield archive.subarray(at, at + 4099);
    }
    for await (const entry of readTar(chunks())) {
      const parts = await entry.readParts();
      expect(parts.length).toBeGreaterThan(20);
      expect(Buffer.concat(parts).equals(body)).toBe(true);
      await expect(entry.read()).rejects.toThrow(/read twice/);
    }
  });
});
