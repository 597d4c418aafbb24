/**
 * rpm: the sqlite rpmdb (/var/lib/rpm/rpmdb.sqlite, also /usr/lib/sysimage/rpm) with
 * header blobs in table Packages. BerkeleyDB ("Packages") and NDB ("Packages.db")
 * databases are not read: they are reported as a parse issue so the gap is visible.
 */
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { baseName, isRegularFile, newPackage, parseError, refuseOversizedDb } from "../common/util.js";
import { headerFiles, RpmHeader, Tag } from "./header.js";

const DB_DIRS = ["/var/lib/rpm/", "/usr/lib/sysimage/rpm/"];
const SQLITE = "rpmdb.sqlite";
const UNSUPPORTED = new Set(["Packages", "Packages.db"]);

/** "bash-5.1.8-6.el9.src.rpm" → { name: "bash", version: "5.1.8-6.el9" }. */
export function parseSourceRpm(srpm: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(srpm);
  return m?.[1] && m[2] && m[3] ? { name: m[1], version: `${m[2]}-${m[3]}` } : undefined;
}

export function packageFromHeader(h: RpmHeader, path: string): { pkg: Package; files: string[] } | undefined {
  const name = h.string(Tag.name);
  const version = h.string(Tag.version);
  // gpg-pubkey entries are imported signing keys, not installed software.
  if (!name || !version || name === "gpg-pubkey") return undefined;
  const release = h.string(Tag.release) ?? "";
  const epoch = h.ints(Tag.epoch)[0];
  const evr = `${epoch !== undefined ? `${epoch}:` : ""}${version}${release ? `-${release}` : ""}`;
  const srpm = h.string(Tag.sourceRpm);
  const src = srpm ? parseSourceRpm(srpm) : undefined;
  const metadata: Record<string, string | number> = { version, release };
  if (epoch !== undefined) metadata.epoch = epoch;
  if (srpm) metadata.sourceRpm = srpm;
  const license = h.string(Tag.license);
  const pkg = newPackage({
    type: "rpm",
    name,
    version: evr,
    path,
    arch: h.string(Tag.arch),
    licenses: license ? [license] : [],
    source: src
      ? { name: src.name, version: epoch !== undefined ? `${epoch}:${src.version}` : src.version }
      : undefined,
    metadata,
  });
  return { pkg, files: headerFiles(h) };
}

// Loaded on first use: an rpmdb is rare, and loading better-sqlite3 (its JavaScript and the
// native addon) cost about 18 ms of every `sbom` and `scan` of an image that has none.
let sqlite: typeof Database | undefined;
function loadSqlite(): typeof Database {
  return (sqlite ??= createRequire(import.meta.url)("better-sqlite3") as typeof Database);
}

/**
 * rpm keeps its database in WAL mode (header bytes 18/19 = 2), which an in-memory copy
 * cannot open. better-sqlite3 copies the buffer when deserializing, so the two bytes are
 * switched to rollback-journal mode only while it does, and restored at once: the buffer
 * is shared with other analyzers.
 */
function openSqliteBuffer(buf: Buffer, path: string): Database.Database {
  const wal = buf.length >= 100 && buf[18] === 2 && buf[19] === 2;
  if (wal) buf[18] = buf[19] = 1;
  try {
    const Sqlite = loadSqlite();
    return new Sqlite(buf, { readonly: true });
  } catch (e) {
    throw parseError(`${path}: not a sqlite database (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    if (wal) buf[18] = buf[19] = 2;
  }
}

export function readRpmSqlite(
  buf: Buffer,
  path: string,
): { packages: Package[]; owned: Array<{ owner: string; files: string[] }> } {
  const db = openSqliteBuffer(buf, path);
  try {
    const rows = db.prepare("SELECT blob FROM Packages").all() as Array<{ blob: unknown }>;
    const packages: Package[] = [];
    const owned: Array<{ owner: string; files: string[] }> = [];
    for (const row of rows) {
      if (!Buffer.isBuffer(row.blob)) throw parseError(`${path}: Packages.blob is not a blob`);
      const found = packageFromHeader(new RpmHeader(row.blob), path);
      if (!found) continue;
      packages.push(found.pkg);
      owned.push({ owner: found.pkg.name, files: found.files });
    }
    return { packages, owned };
  } catch (e) {
    if (e instanceof Error && e.name === "BulwarkError") throw e;
    throw parseError(`${path}: cannot read rpmdb (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    db.close();
  }
}

function inDbDir(path: string): boolean {
  return DB_DIRS.some((d) => path.startsWith(d) && !path.slice(d.length).includes("/"));
}

export const rpmAnalyzer: Analyzer = {
  name: "rpm",
  // 2: a database over its bound is an issue, no longer skipped in silence.
  version: 2,
  wants(path, info) {
    if (!isRegularFile(info.mode) || !inDbDir(path)) return false;
    const base = baseName(path);
    // Unsupported formats are wanted only to report them: analyze() never reads their bytes.
    if (UNSUPPORTED.has(base)) return true;
    return base === SQLITE;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const base = baseName(file.path);
    if (UNSUPPORTED.has(base)) {
      throw parseError(
        `${file.path}: ${base === "Packages" ? "BerkeleyDB" : "NDB"} rpmdb is not supported (only rpmdb.sqlite)`,
      );
    }
    refuseOversizedDb(file);
    const { packages, owned } = readRpmSqlite(await file.read(), file.path);
    return packages.length > 0 ? { packages, ownedFileSets: owned } : undefined;
  },
};
