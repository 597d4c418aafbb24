/**
 * Builds a new database in a temporary file beside the live one and renames it over
 * the live one at the end. rename(2) is atomic: readers see the old file or the new
 * one, never a half-built one; scans that already opened the old file keep their
 * handle to it; an update that dies leaves only a stray temp file, removed next time.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { normalizePackageName } from "./names.js";
import type { OsvRecord } from "./osv.js";
import type { KevEntry } from "./kev.js";
import type { EpssRow } from "./epss.js";
import { INDEX_SQL, SCHEMA_SQL, SCHEMA_VERSION, dbDir, dbPath } from "./schema.js";

let tempCounter = 0;

/** A unique temp path in `dir` that names our pid, so a later run can tell it is stale. */
export function tempPathIn(dir: string, base: string): string {
  return join(dir, `${base}.tmp-${process.pid}-${Date.now().toString(36)}${(tempCounter++).toString(36)}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temp files left by updates whose process is gone (killed, crashed). */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /\.tmp-(\d+)-/.exec(name);
    if (m && !processAlive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

export class DbBuilder {
  readonly tempFile: string;
  private readonly db: Database.Database;
  private readonly ids = new Map<string, number>();
  private nextRid = 1;
  private readonly insertRecord: Database.Statement;
  private readonly insertAffected: Database.Statement;
  private readonly insertAlias: Database.Statement;
  private finished = false;

  constructor(private readonly cacheDir: string) {
    const dir = dbDir(cacheDir);
    mkdirSync(dir, { recursive: true });
    removeStaleTemps(dir);
    this.tempFile = tempPathIn(dir, "vuln.db");
    this.db = new Database(this.tempFile);
    // A temp file that is thrown away on any failure needs no on-disk journal and no fsync per
    // commit. (better-sqlite3 runs SQLite in defensive mode, which refuses journal_mode=OFF.)
    this.db.pragma("journal_mode = MEMORY");
    this.db.pragma("synchronous = OFF");
    this.db.pragma("cache_size = -65536");
    this.db.exec(SCHEMA_SQL);
    this.db.exec("BEGIN");
    this.insertRecord = this.db.prepare(
      "INSERT INTO records (rid, id, source, modified, withdrawn, json) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.insertAffected = this.db.prepare(
      "INSERT OR IGNORE INTO affected (ecosystem, name, rid) VALUES (?, ?, ?)",
    );
    this.insertAlias = this.db.prepare("INSERT OR IGNORE INTO aliases (alias, rid) VALUES (?, ?)");
  }

  /** Adds a validated record; false when a record with that id came earlier (another archive). */
  addRecord(source: string, json: string, record: OsvRecord): boolean {
    if (this.ids.has(record.id)) return false;
    const rid = this.nextRid++;
    this.ids.set(record.id, rid);
    this.insertRecord.run(rid, record.id, source, record.modified, record.withdrawn ?? null, json);
    for (const affected of record.affected ?? []) {
      const pkg = affected.package;
      if (!pkg) continue;
      this.insertAffected.run(pkg.ecosystem, normalizePackageName(pkg.ecosystem, pkg.name), rid);
    }
    for (const alias of record.aliases ?? []) this.insertAlias.run(alias, rid);
    return true;
  }

  addKev(entries: KevEntry[]): void {
    const stmt = this.db.prepare("INSERT OR REPLACE INTO kev (cve, date_added, ransomware) VALUES (?, ?, ?)");
    for (const e of entries) stmt.run(e.cve, e.dateAdded, e.ransomware ?? null);
  }

  addEpss(rows: EpssRow[]): void {
    const stmt = this.db.prepare("INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?, ?, ?)");
    for (const r of rows) stmt.run(r.cve, r.score, r.percentile ?? null);
  }

  count(table: "kev" | "epss" | "records"): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  /** Commits, indexes, makes the file durable and swaps it in. Returns the live path. */
  commit(meta: Record<string, unknown>): string {
    const setMeta = this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    setMeta.run("schema_version", SCHEMA_VERSION);
    for (const [key, value] of Object.entries(meta)) setMeta.run(key, JSON.stringify(value));
    this.db.exec(INDEX_SQL);
    this.db.exec("COMMIT");
    this.db.exec("ANALYZE");
    // Readers open the file read-only; rollback-journal mode lets them do so without creating -wal/-shm files.
    this.db.pragma("journal_mode = DELETE");
    this.db.close();
    this.finished = true;
    const fd = openSync(this.tempFile, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const live = dbPath(this.cacheDir);
    renameSync(this.tempFile, live);
    syncDir(dbDir(this.cacheDir));
    return live;
  }

  /** Throws the half-built file away; the live database was never touched. */
  abort(): void {
    if (!this.finished) {
      this.finished = true;
      try {
        this.db.close();
      } catch {
        // already closed
      }
    }
    rmSync(this.tempFile, { force: true });
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  }
}
