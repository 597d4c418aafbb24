/**
 * The swap is atomic: a reader keeps its view across an update, and an update that
 * fails half-way (corrupt archive) or dies (SIGKILL) leaves the old database intact.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BulwarkError } from "../../model/src/errors.js";
import { openVulnDb, updateVulnDb } from "./index.js";
import { dbDir, dbPath } from "./schema.js";
import { MIRROR, MIRROR_PRESENT, SKIP_REASON, copyMirror, sha256, tempDir } from "./testutil/mirror.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const dirs: string[] = [];
function track(dir: string): string {
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Overwrites `length` bytes at `fraction` of the file with a fixed non-zip pattern. */
function damage(file: string, fraction: number, length = 512): void {
  const at = Math.floor(statSync(file).size * fraction);
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, at);
  closeSync(fd);
}

function temps(cache: string): string[] {
  return readdirSync(dbDir(cache)).filter((n) => n.includes(".tmp-"));
}

describe.skipIf(!MIRROR_PRESENT)(`atomic swap${MIRROR_PRESENT ? "" : ` (skipped: ${SKIP_REASON})`}`, () => {
  it("keeps serving a reader opened before the update from the old file", async () => {
    const cache = track(tempDir("atomic-reader"));
    await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["npm"] });
    const before = openVulnDb(cache);
    const sample = before.advisories("npm", "lodash");
    expect(sample.length).toBeGreaterThan(0);

    await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["Go"] });
    // The old handle still reads the old file, unchanged …
    expect(before.advisories("npm", "lodash").map((r) => r.id)).toEqual(sample.map((r) => r.id));
    expect(Object.keys(before.status().ecosystems)).toEqual(["npm"]);
    before.close();
    // … while a new one sees the new data.
    const after = openVulnDb(cache);
    expect(Object.keys(after.status().ecosystems)).toEqual(["Go"]);
    expect(after.advisories("npm", "lodash")).toEqual([]);
    expect(after.advisories("Go", "stdlib").length).toBeGreaterThan(0);
    after.close();
  });

  it("leaves the old database untouched when an archive is corrupt half-way through the import", async () => {
    const cache = track(tempDir("atomic-corrupt"));
    await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["npm"] });
    const hash = sha256(dbPath(cache));

    // Go imports fine, then PyPI breaks part-way: the temp database already holds thousands of rows.
    const source = track(copyMirror(["Go", "PyPI"]));
    const zip = join(source, "osv", "PyPI", "all.zip");
    damage(zip, 0.6);
    expect(() => execFileSync("unzip", ["-tqq", zip], { stdio: "ignore" })).toThrow(); // unzip agrees it is damaged
    const progress: string[] = [];
    const err = await updateVulnDb({
      cacheDir: cache,
      source,
      progress: (_d, _t, label) => progress.push(label),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulwarkError);
    expect((err as BulwarkError).code).toBe("FEED_INVALID");
    expect((err as BulwarkError).message).toContain(zip);
    expect(progress).toContain("Go");
    expect(progress).toContain("PyPI");

    expect(sha256(dbPath(cache))).toBe(hash);
    expect(temps(cache)).toEqual([]);
    const db = openVulnDb(cache);
    expect(Object.keys(db.status().ecosystems)).toEqual(["npm"]);
    expect(db.advisories("npm", "lodash").length).toBeGreaterThan(0);
    db.close();
  });

  it("leaves the old database untouched when the updating process is killed", async () => {
    const cache = track(tempDir("atomic-kill"));
    await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["npm"] });
    const hash = sha256(dbPath(cache));

    const script = join(cache, "child.mts");
    const entry = join(repoRoot, "packages", "vulndb", "src", "index.ts");
    writeFileSync(
      script,
      `import { updateVulnDb } from ${JSON.stringify(entry)};\n` +
        `await updateVulnDb({ cacheDir: ${JSON.stringify(cache)}, source: ${JSON.stringify(MIRROR)} });\n`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, sig) => r(sig)));
    // Kill it once its temp database exists, i.e. while it is importing (the loop bound is a hang guard).
    for (let i = 0; i < 12_000 && temps(cache).length === 0 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    expect(temps(cache).length).toBe(1); // the half-built file it left behind
    expect(sha256(dbPath(cache))).toBe(hash);
    const db = openVulnDb(cache);
    expect(Object.keys(db.status().ecosystems)).toEqual(["npm"]);
    db.close();

    // The next update clears the dead process's leftovers.
    await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["npm"] });
    expect(temps(cache)).toEqual([]);
    expect(existsSync(dbPath(cache))).toBe(true);
  });
});
