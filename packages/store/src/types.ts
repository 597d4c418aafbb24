export type Dialect = "sqlite" | "postgres";

/**
 * One SQL store over SQLite or PostgreSQL. Write portable SQL: `$1, $2…` placeholders,
 * TEXT / INTEGER / BIGINT / REAL / BLOB-free columns, JSON kept as TEXT, booleans as INTEGER 0/1,
 * timestamps as BIGINT milliseconds or ISO TEXT, `INSERT … ON CONFLICT … DO UPDATE` and
 * `RETURNING` (both dialects support them). BIGINT and COUNT(*) come back as JS numbers on both.
 */
export interface Store {
  readonly dialect: Dialect;
  /** `$1, $2…` placeholders on both dialects (translated for SQLite). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<T[]>;
  exec(sql: string, params?: unknown[]): Promise<{ changes: number }>;
  /** Serialisable on SQLite (BEGIN IMMEDIATE), a real transaction on PostgreSQL. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface QueryOptions {
  /**
   * PostgreSQL: prepare the statement under this name once per connection, so that a query run
   * on every request is not parsed and planned each time. Only for a fixed SQL text: each
   * distinct name stays prepared for the connection's life. SQLite prepares every statement.
   */
  prepareAs?: string;
}

export interface Migration {
  id: string;
  /** Schema changes, one text for both dialects or one each. */
  sql?: string | { sqlite: string; postgres: string };
  /**
   * Data changes SQL cannot express on both dialects (a value the application computes, such
   * as a hash), run after `sql` in the same transaction.
   */
  run?: (tx: Store) => Promise<void>;
}
