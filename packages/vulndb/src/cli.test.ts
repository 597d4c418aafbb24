/**
 * `bulwark db update|status` through the real CLI entry point (main): bad input gives
 * one clear line and exit code 2, and the database in use stays byte-for-byte the same.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbAgeWarning, openVulnDb } from "./index.js";
import type { OsvRecord } from "./osv.js";
import { dbPath } from "./schema.js";
import { runCli } from "./testutil/cli.js";
import {
  MIRROR,
  MIRROR_PRESENT,
  SKIP_REASON,
  closedPort,
  copyMirror,
  sha256,
  tempDir,
  unzipTo,
  zipDir,
  zipJsonNames,
} from "./testutil/mirror.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** One line on stderr, in the CLI's `bulwark: CODE: message` form, and no stack trace. */
function expectOneLineError(stderr: string, code: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^bulwark: ${code}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

/** `bulwark --cache-dir CACHE db update --source SOURCE …extra`, in process. */
function dbUpdate(cache: string, source: string, ...extra: string[]): ReturnType<typeof runCli> {
  return runCli(["--cache-dir", cache, "db", "update", "--source", source, ...extra]);
}
describe.skipIf(!MIRROR_PRESENT)(`bulwark db${MIRROR_PRESENT ? "" : ` (skipped: ${SKIP_REASON})`}`, () => {
  let work: string;
  let cache: string;
  let hash: string;
  const cleanup: string[] = [];

  beforeAll(async () => {
    work = tempDir("cli");
    cache = join(work, "cache");
    const r = await dbUpdate(cache, MIRROR, "--ecosystems", "npm");
    expect(r.code, r.stderr).toBe(0);
    hash = sha256(dbPath(cache));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it("prints a summary line and status as a table or JSON", async () => {
    const s = await runCli(["--cache-dir", cache, "db", "status"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("osv/npm");
    expect(s.stdout).toMatch(/^kev\s+\d+/m);
    const j = await runCli(["--cache-dir", cache, "db", "status", "--format", "json"]);
    expect(j.code).toBe(0);
    const status = JSON.parse(j.stdout) as {
      ecosystems: Record<string, number>;
      kevCount: number;
      ageDays: number;
    };
    expect(Object.keys(status.ecosystems)).toEqual(["npm"]);
    expect(status.kevCount).toBeGreaterThan(0);
    expect(status.ageDays).toBeLessThan(1);
    const bad = await runCli(["--cache-dir", cache, "db", "status", "--format", "xml"]);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, "USAGE");
  });

  it("warns when the database is more than 7 days old", async () => {
    const old = join(work, "old");
    cpSync(cache, old, { recursive: true });
    // Back-date the build time as an old database would carry it.
    const db = new Database(dbPath(old));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'built_at'").run(
      JSON.stringify(new Date(Date.now() - 10 * 86_400_000).toISOString()),
    );
    db.close();
    const handle = openVulnDb(old);
    expect(handle.status().ageDays).toBeCloseTo(10, 0);
    expect(dbAgeWarning(handle.status())).toMatch(/10 days old/);
    handle.close();
    const fresh = openVulnDb(cache);
    expect(dbAgeWarning(fresh.status())).toBeUndefined();
    fresh.close();
    const r = await runCli(["--cache-dir", old, "db", "status"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: the vulnerability database is 10 days old/);
  });

  it("shows a counter line on a terminal and none otherwise", async () => {
    const saved = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
    Object.defineProperty(process.stderr, "isTTY", { value: true, configurable: true });
    let tty: Awaited<ReturnType<typeof runCli>>;
    try {
      tty = await dbUpdate(join(work, "tty"), MIRROR, "--ecosystems", "npm");
    } finally {
      if (saved) Object.defineProperty(process.stderr, "isTTY", saved);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
    const entries = zipJsonNames(join(MIRROR, "osv", "npm", "all.zip")).length;
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain(`\r\x1b[Knpm: ${entries}/${entries}\n`);
    const plain = await dbUpdate(join(work, "tty"), MIRROR, "--ecosystems", "npm");
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain("\r");
    expect(plain.stdout).toMatch(/^imported \d+ advisories \(npm \d+\), \d+ KEV, 0 EPSS in [\d.]+ s/);
  });

  it("fails clearly when there is no database yet", async () => {
    const r = await runCli(["--cache-dir", join(work, "empty"), "db", "status"]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr, "DB_MISSING")).toContain("bulwark db update");
  });

  it("rejects a corrupt zip and keeps the old database", async () => {
    const source = copyMirror(["npm"]);
    cleanup.push(source);
    const zip = join(source, "osv", "npm", "all.zip");
    const bytes = readFileSync(zip);
    writeFileSync(zip, bytes.subarray(0, Math.floor(bytes.length / 2))); // truncated download
    const r = await dbUpdate(cache, source);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr, "FEED_INVALID")).toContain(zip);
    expect(sha256(dbPath(cache))).toBe(hash);
  });

  it("skips and reports a record with an invalid range, or refuses it with --strict", async () => {
    const source = tempDir("badrange");
    cleanup.push(source);
    const records = unzipTo(join(MIRROR, "osv", "npm", "all.zip"), join(source, "x"));
    const donor = readdirSync(records).find((n) => n.endsWith(".json"))!;
    const rec = JSON.parse(readFileSync(join(records, donor), "utf8")) as OsvRecord;
    rec.id = "BULWARK-TEST-1";
    rec.affected![0]!.ranges![0]!.type = "CALVER";
    writeFileSync(join(records, "BULWARK-TEST-1.json"), JSON.stringify(rec));
    writeFileSync(join(records, "BULWARK-TEST-2.json"), "{ not json");
    zipDir(records, join(source, "osv", "npm", "all.zip"));
    cpSync(join(MIRROR, "kev"), join(source, "kev"), { recursive: true });

    const strict = await dbUpdate(cache, source, "--strict");
    expect(strict.code).toBe(2);
    expectOneLineError(strict.stderr, "FEED_INVALID");
    expect(sha256(dbPath(cache))).toBe(hash);

    const other = join(work, "lenient");
    const r = await dbUpdate(other, source);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('invalid record npm/BULWARK-TEST-1.json: unknown range type "CALVER"');
    expect(r.stderr).toContain("invalid record npm/BULWARK-TEST-2.json: invalid JSON");
    const listed = readdirSync(records).filter((n) => n.endsWith(".json")).length;
    const invalid = Number(/(\d+) invalid skipped/.exec(r.stdout)?.[1]);
    expect(invalid).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toContain(`npm ${listed - invalid}`);
  });

  it("refuses a database file that is not SQLite, or has another schema, without touching it", async () => {
    const notSqlite = join(work, "garbage");
    mkdirSync(join(notSqlite, "db"), { recursive: true });
    writeFileSync(dbPath(notSqlite), "this is not a database\n".repeat(100));
    const before = sha256(dbPath(notSqlite));
    const r = await runCli(["--cache-dir", notSqlite, "db", "status"]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr, "DB_CORRUPT")).toContain(dbPath(notSqlite));
    expect(sha256(dbPath(notSqlite))).toBe(before);

    const foreign = join(work, "foreign");
    mkdirSync(join(foreign, "db"), { recursive: true });
    const other = new Database(dbPath(foreign));
    other.exec("CREATE TABLE something (x)");
    other.close();
    const before2 = sha256(dbPath(foreign));
    const r2 = await runCli(["--cache-dir", foreign, "db", "status"]);
    expect(r2.code).toBe(2);
    expectOneLineError(r2.stderr, "DB_CORRUPT");
    expect(sha256(dbPath(foreign))).toBe(before2);
  });

  it("reports an unreachable source with its URL and keeps the old database", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await dbUpdate(cache, url, "--ecosystems", "npm");
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr, "NETWORK")).toContain(`${url}/osv/npm/all.zip`);
    expect(sha256(dbPath(cache))).toBe(hash);
    // Without --ecosystems the listing is fetched first; it fails the same way.
    const r2 = await dbUpdate(cache, url);
    expect(r2.code).toBe(2);
    expect(expectOneLineError(r2.stderr, "NETWORK")).toContain(url);
    expect(sha256(dbPath(cache))).toBe(hash);
  });

  it("exits with status 2 as a real process (bin.ts) when the source is unreachable", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", bin, "--cache-dir", cache, "db", "update", "--source", url],
      {
        cwd: repoRoot,
        encoding: "utf8",
      },
    );
    expect(child.status).toBe(2);
    expect(expectOneLineError(child.stderr, "NETWORK")).toContain(url);
    expect(child.stdout).toBe("");
    expect(sha256(dbPath(cache))).toBe(hash);
  });

  it("reports a cache directory it cannot write as an IO error", async () => {
    const notADir = join(work, "plain-file");
    writeFileSync(notADir, "a file where the cache directory should be");
    const r = await dbUpdate(notADir, MIRROR, "--ecosystems", "npm");
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr, "IO")).toContain("ENOTDIR");
    expect(readFileSync(notADir, "utf8")).toBe("a file where the cache directory should be");
  });

  it("rejects sources without OSV data and unknown ecosystems", async () => {
    const empty = join(work, "nosource");
    mkdirSync(empty, { recursive: true });
    const r = await dbUpdate(cache, empty);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, "DB_SOURCE");
    const r2 = await dbUpdate(cache, MIRROR, "--ecosystems", "npm,Hackage");
    expect(r2.code).toBe(2);
    expect(expectOneLineError(r2.stderr, "DB_SOURCE")).toContain("Hackage");
    const r3 = await dbUpdate(cache, join(work, "does-not-exist"));
    expect(r3.code).toBe(2);
    expectOneLineError(r3.stderr, "DB_SOURCE");
    expect(sha256(dbPath(cache))).toBe(hash);
  });
});
