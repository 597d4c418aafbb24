import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { errorMessage } from "./deps.js";
import { StoreError } from "./errors.js";
import { Mutex } from "./mutex.js";
import { toSqlitePlaceholders } from "./placeholders.js";
import type { Store } from "./types.js";

const STATEMENT_CACHE = 512;

/** Opens (creating if needed) `<dataDir>/bulwark.db`, WAL mode, foreign keys on. */
export function openSqlite(dataDir: string): Store {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new StoreError("STORE_DATA_DIR", `cannot create data directory ${dataDir}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  const file = join(dataDir, "bulwark.db");
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 10000");
    // Checkpoint the WAL every ~64 MiB instead of 4 MiB: fewer fsyncs under steady ingestion.
    db.pragma("wal_autocheckpoint = 16000");
    // 64 MiB of page cache instead of 2 MiB: the findings indexes are keyed by hashes, so a
    // batch of writes touches pages all over them, which a small cache keeps evicting and
    // re-reading.
    db.pragma("cache_size = -65536");
  } catch (e) {
    throw new StoreError("STORE_UNAVAILABLE", `cannot open SQLite database ${file}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  return new SqliteStore(db, new Mutex(), 0);
}

class SqliteStore implements Store {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, Database.Statement>();

  /** depth 0 = the shared handle (takes the lock); >0 = inside a transaction (owns it). */
  constructor(
    private readonly db: Database.Database,
    private readonly lock: Mutex,
    private readonly depth: number,
    private readonly cache?: Map<string, Database.Statement>,
  ) {}

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.guard(() => {
      const { stmt, args } = this.prepare(sql, params);
      if (!stmt.reader) {
        stmt.run(...args);
        return [];
      }
      return rowsToObjects<T>(stmt.columns(), stmt.raw(true).all(...args) as unknown[][]);
    });
  }

  exec(sql: string, params: unknown[] = []): Promise<{ changes: number }> {
    return this.guard(() => {
      try {
        const { stmt, args } = this.prepare(sql, params);
        return { changes: stmt.run(...args).changes };
      } catch (e) {
        // A migration script holds several statements; better-sqlite3 runs those with exec().
        if (params.length > 0 || !isMultiStatementError(e)) throw e;
        this.db.exec(sql);
        return { changes: 0 };
      }
    });
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.depth > 0) return this.savepoint(fn);
    return this.lock.run(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(new SqliteStore(this.db, this.lock, 1, this.statementCache()));
        this.db.exec("COMMIT");
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.lock.run(async () => {
      if (this.db.open) this.db.close();
    });
  }

  private async savepoint<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const name = `sp${this.depth}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(new SqliteStore(this.db, this.lock, this.depth + 1, this.statementCache()));
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw e;
    }
  }

  /** Outside a transaction, wait for any running one; inside, we already own the connection. */
  private guard<T>(work: () => T): Promise<T> {
    if (this.depth > 0) return Promise.resolve().then(work);
    return this.lock.run(async () => work());
  }

  private statementCache(): Map<string, Database.Statement> {
    return this.cache ?? this.statements;
  }

  private prepare(sql: string, params: unknown[]): { stmt: Database.Statement; args: unknown[] } {
    const translated = toSqlitePlaceholders(sql, params);
    const cache = this.statementCache();
    let stmt = cache.get(translated.sql);
    if (!stmt) {
      stmt = this.db.prepare(translated.sql);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(translated.sql, stmt);
    }
    return { stmt, args: translated.params.map(toSqliteValue) };
  }
}

/**
 * Rows as plain objects built here rather than by better-sqlite3: its native row objects are
 * several times slower to create and to serialise (a 100-row findings page spent most of its
 * time there). A later column of the same name wins, as it does natively.
 */
function rowsToObjects<T>(columns: Database.ColumnDefinition[], rows: unknown[][]): T[] {
  const names = columns.map((c) => c.name);
  const out = new Array<T>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) obj[names[i]!] = row[i];
    out[r] = obj as T;
  }
  return out;
}

/** better-sqlite3 refuses booleans and undefined; map them like PostgreSQL would store them. */
function toSqliteValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  return v;
}

function isMultiStatementError(e: unknown): boolean {
  return e instanceof RangeError && /more than one statement/.test(e.message);
}
