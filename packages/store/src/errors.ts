import { BulwarkError } from "./deps.js";

export type StoreErrorCode = "STORE_URL" | "STORE_UNAVAILABLE" | "STORE_MIGRATION" | "STORE_DATA_DIR";

/** A store that cannot be opened or migrated; the CLI prints it as one line. */
export class StoreError extends BulwarkError<StoreErrorCode> {
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
    this.name = "StoreError";
  }
}

/**
 * True when a query failed on a UNIQUE / PRIMARY KEY constraint, on either dialect
 * (PostgreSQL SQLSTATE 23505, SQLite SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY).
 */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
