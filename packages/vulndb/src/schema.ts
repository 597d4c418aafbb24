/** Where the database lives and what it holds. Bump SCHEMA_VERSION on any change. */
import { join } from "node:path";

export const SCHEMA_VERSION = "1";

export function dbDir(cacheDir: string): string {
  return join(cacheDir, "db");
}

export function dbPath(cacheDir: string): string {
  return join(dbDir(cacheDir), "vuln.db");
}

/**
 * records:  each OSV record's JSON once (as published), keyed by a small integer.
 * affected: one row per (ecosystem, normalised package name) a record names.
 * aliases:  alias (CVE, GHSA…) → record, for merging one CVE across databases.
 * kev/epss: exploitation data keyed by CVE. meta: build time, sources, counts.
 */
export const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  modified TEXT NOT NULL,
  withdrawn TEXT,
  json TEXT NOT NULL
);
CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  rid INTEGER NOT NULL,
  PRIMARY KEY (ecosystem, name, rid)
) WITHOUT ROWID;
CREATE TABLE aliases (alias TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (alias, rid)) WITHOUT ROWID;
CREATE TABLE kev (cve TEXT PRIMARY KEY, date_added TEXT NOT NULL, ransomware TEXT) WITHOUT ROWID;
CREATE TABLE epss (cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL) WITHOUT ROWID;
`;

/** Built after the bulk insert, which is faster than maintaining them row by row. */
export const INDEX_SQL = `CREATE UNIQUE INDEX records_id ON records (id);`;
