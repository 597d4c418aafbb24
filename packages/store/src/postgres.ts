import pg from "pg";
import { errorMessage } from "./deps.js";
import { StoreError } from "./errors.js";
import type { QueryOptions, Store } from "./types.js";

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * BIGINT and COUNT(*) arrive as strings from pg (they may exceed 2^53); Bulwark's counters and
 * millisecond timestamps fit a double, and SQLite returns numbers, so both dialects agree.
 */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Connects a pool to `url` and checks it answers, so a wrong URL fails at start with one line. */
export async function openPostgres(url: string, poolSize = 10): Promise<Store> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError("STORE_URL", "database URL is not a valid postgres:// URL");
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (e) {
    await pool.end().catch(() => undefined);
    const where = `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
    throw new StoreError(
      "STORE_UNAVAILABLE",
      `cannot connect to PostgreSQL at ${where}: ${errorMessage(e)}`,
      {
        cause: e,
      },
    );
  }
  return new PostgresStore(pool, undefined, 0);
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

class PostgresStore implements Store {
  readonly dialect = "postgres" as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly client: pg.PoolClient | undefined,
    private readonly depth: number,
  ) {}

  private get target(): Queryable {
    return this.client ?? this.pool;
  }

  async query<T>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<T[]> {
    const values = params.map(toPgValue);
    const result = await this.target.query(
      opts.prepareAs ? { name: opts.prepareAs, text: sql, values } : { text: sql, values },
    );
    return (result.rows ?? []) as T[];
  }

  async exec(sql: string, params: unknown[] = []): Promise<{ changes: number }> {
    // Without parameters pg uses the simple protocol, which runs multi-statement scripts.
    const result =
      params.length === 0
        ? await this.target.query(sql)
        : await this.target.query(sql, params.map(toPgValue));
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { changes: (last as pg.QueryResult | undefined)?.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.client) return this.savepoint(this.client, fn);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      try {
        const result = await fn(new PostgresStore(this.pool, client, 1));
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw e;
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.depth === 0) await this.pool.end();
  }

  private async savepoint<T>(client: pg.PoolClient, fn: (tx: Store) => Promise<T>): Promise<T> {
    const name = `sp${this.depth}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(new PostgresStore(this.pool, client, this.depth + 1));
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw e;
    }
  }
}

function toPgValue(v: unknown): unknown {
  if (v === undefined) return null;
  // Booleans are stored as INTEGER 0/1 on both dialects.
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}
