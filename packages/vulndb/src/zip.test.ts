/** Archive guards, on zips made by Info-ZIP's `zip`. */
import { openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BulwarkError } from "../../model/src/errors.js";
import { readZipJsonEntries } from "./zip.js";
import { tempDir, zipDir } from "./testutil/mirror.js";
import { execFileSync } from "node:child_process";

const work = tempDir("zip");
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<BulwarkError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BulwarkError);
  expect((e as BulwarkError).code).toBe("FEED_INVALID");
  return e as BulwarkError;
}

describe("readZipJsonEntries", () => {
  it("reads every .json entry and skips other files", async () => {
    const dir = join(work, "plain");
    execFileSync("mkdir", ["-p", dir]);
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `R-${i}.json`), JSON.stringify({ id: `R-${i}` }));
    writeFileSync(join(dir, "README.txt"), "not a record");
    const zip = join(work, "plain.zip");
    zipDir(dir, zip);
    const seen: string[] = [];
    let count = -1;
    await readZipJsonEntries(
      zip,
      "plain.zip",
      (e) => seen.push(`${e.name}=${e.data.toString()}`),
      undefined,
      (n) => (count = n),
    );
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `R-${i}.json={"id":"R-${i}"}`));
    expect(count).toBe(6);
  });

  it("refuses an entry that unpacks beyond the per-entry limit (zip bomb)", async () => {
    const dir = join(work, "bomb");
    execFileSync("mkdir", ["-p", dir]);
    writeFileSync(join(dir, "bomb.json"), Buffer.alloc(4 << 20, 0x20));
    const zip = join(work, "bomb.zip");
    zipDir(dir, zip);
    expect(readFileSync(zip).length).toBeLessThan(64 << 10); // it really is a bomb: tiny archive, large content
    const e = await failure(
      readZipJsonEntries(zip, "bomb.zip", () => {}, { entryBytes: 1 << 20, totalBytes: 1 << 30 }),
    );
    expect(e.message).toMatch(/bomb\.json unpacks to 4194304 bytes \(limit 1048576\)/);
    const t = await failure(
      readZipJsonEntries(zip, "bomb.zip", () => {}, { entryBytes: 8 << 20, totalBytes: 1 << 20 }),
    );
    expect(t.message).toMatch(/archive unpacks to more than/);
  });

  it("detects a damaged stored entry by its CRC-32, which yauzl itself does not check", async () => {
    const dir = join(work, "stored");
    execFileSync("mkdir", ["-p", dir]);
    const body = JSON.stringify({ id: "STORED-1", summary: "x".repeat(200) });
    writeFileSync(join(dir, "STORED-1.json"), body);
    const zip = join(work, "stored.zip");
    execFileSync("zip", ["-q", "-0", "-j", zip, join(dir, "STORED-1.json")]);
    const at = readFileSync(zip).indexOf("xxxxxxxx");
    expect(at).toBeGreaterThan(0);
    const fd = openSync(zip, "r+");
    writeSync(fd, Buffer.from("y"), 0, 1, at);
    closeSync(fd);
    const e = await failure(readZipJsonEntries(zip, "stored.zip", () => {}));
    expect(e.message).toContain("STORED-1.json fails its CRC-32 check");
  });

  it("refuses a file that is not a zip", async () => {
    const file = join(work, "not.zip");
    writeFileSync(file, "PK but not really");
    const e = await failure(readZipJsonEntries(file, "not.zip", () => {}));
    expect(e.message).toContain("not.zip");
  });

  it("passes errors thrown by the consumer through unchanged", async () => {
    const dir = join(work, "plain");
    const zip = join(work, "plain.zip");
    zipDir(dir, zip);
    const boom = new Error("consumer failed");
    await expect(
      readZipJsonEntries(zip, "plain.zip", () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });
});
