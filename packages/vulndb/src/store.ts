/**
 * Reading the vulnerability database. Handles are read-only: an update never writes
 * into the file a handle has open (it renames a new file over the path), so a scan
 * keeps a consistent view for as long as it holds the handle.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { BulwarkError, errorMessage, requireRegularFile } from "@bulwark/model";
import { normalizePackageName } from "./names.js";
import type { OsvRecord } from "./osv.js";
import { SCHEMA_VERSION, dbPath } from "./schema.js";

export interface SourceStatus {
  name: string;
  url: string;
  records: number;
  invalid: number;
  fetchedAt: string;
}

export interface VulnDbStatus {
  path: string;
  builtAt: string;
  sources: SourceStatus[];
  /** Valid records imported per ecosystem archive (e.g. "npm", "Debian"). */
  ecosystems: Record<string, number>;
  kevCount: number;
  epssCount: number;
  /** Days since the database was built, to one decimal. */
  ageDays: number;
}

export interface VulnDb {
  /**
   * OSV records affecting `name` in `ecosystem` (exact OSV ecosystem string, e.g. "npm",
   * "PyPI", "Go", "Debian:12"); names are normalised per ecosystem (see names.ts).
   * Withdrawn records are never returned.
   */
  advisories(ecosystem: string, name: string): OsvRecord[];
  /** One record by its id (withdrawn ones included), for reports and alias merging. */
  record(id: string): OsvRecord | undefined;
  /** Ids of the records that list `alias` (e.g. a CVE) among their aliases. */
  idsForAlias(alias: string): string[];
  /** Whether any record names a package in this exact ecosystem ("Alpine:v3.22"). */
  hasEcosystem(ecosystem: string): boolean;
  kev(cve: string): { dateAdded: string; ransomware?: string } | undefined;
  epss(cve: string): number | undefined;
  status(): VulnDbStatus;
  close(): void;
}

export const MAX_AGE_DAYS = 7;

/** The warning a scan prints when the database is stale; undefined when it is fresh. */
export function dbAgeWarning(status: VulnDbStatus): string | undefined {
  if (status.ageDays <= MAX_AGE_DAYS) return undefined;
  return `the vulnerability database is ${Math.floor(status.ageDays)} days old (built ${status.builtAt}); run \`bulwark db update\``;
}

function corrupt(path: string, why: string, cause?: unknown): BulwarkError {
  return new BulwarkError(
    "DB_CORRUPT",
    `${path} is not a usable vulnerability database (${why}); run \`bulwark db update\` to rebuild it`,
    undefined,
    { cause },
  );
}

function readMeta(db: Database.Database, path: string): Map<string, string> {
  let rows: Array<{ key: string; value: string }>;
  try {
    rows = db.prepare("SELECT key, value FROM meta").all() as Array<{ key: string; value: string }>;
  } catch (e) {
    throw corrupt(path, errorMessage(e), e);
  }
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const version = meta.get("schema_version");
  if (version !== SCHEMA_VERSION)
    throw corrupt(path, `schema version ${version ?? "missing"}, expected ${SCHEMA_VERSION}`);
  return meta;
}

function metaJson<T>(meta: Map<string, string>, key: string, fallback: T): T {
  const raw = meta.get(key);
  if (raw === undefined) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

class SqliteVulnDb implements VulnDb {
  private readonly byPackage: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly byAlias: Database.Statement;
  private readonly anyInEcosystem: Database.Statement;
  private readonly kevStmt: Database.Statement;
  private readonly epssStmt: Database.Statement;
  // A scan asks for the same package many times (one per layer/location); parse each record once.
  private readonly parsed = new Map<number, OsvRecord>();

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly meta: Map<string, string>,
  ) {
    this.byPackage = db.prepare(
      "SELECT r.rid AS rid, r.json AS json FROM affected a JOIN records r ON r.rid = a.rid " +
        "WHERE a.ecosystem = ? AND a.name = ? AND r.withdrawn IS NULL ORDER BY r.id",
    );
    this.byId = db.prepare("SELECT rid, json FROM records WHERE id = ?");
    this.byAlias = db.prepare(
      "SELECT r.id AS id FROM aliases a JOIN records r ON r.rid = a.rid WHERE a.alias = ? ORDER BY r.id",
    );
    this.anyInEcosystem = db.prepare("SELECT 1 AS one FROM affected WHERE ecosystem = ? LIMIT 1");
    this.kevStmt = db.prepare("SELECT date_added AS dateAdded, ransomware FROM kev WHERE cve = ?");
    this.epssStmt = db.prepare("SELECT score FROM epss WHERE cve = ?");
  }

  /** A damaged file can pass the open-time check and fail on a later page: report it as such. */
  private query<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      throw corrupt(this.path, errorMessage(e), e);
    }
  }

  private parse(rid: number, json: string): OsvRecord {
    let rec = this.parsed.get(rid);
    if (!rec) {
      if (this.parsed.size >= 20_000) this.parsed.clear();
      rec = JSON.parse(json) as OsvRecord;
      this.parsed.set(rid, rec);
    }
    return rec;
  }

  advisories(ecosystem: string, name: string): OsvRecord[] {
    const rows = this.query(() =>
      this.byPackage.all(ecosystem, normalizePackageName(ecosystem, name)),
    ) as Array<{
      rid: number;
      json: string;
    }>;
    return rows.map((r) => this.parse(r.rid, r.json));
  }

  record(id: string): OsvRecord | undefined {
    const row = this.query(() => this.byId.get(id)) as { rid: number; json: string } | undefined;
    return row ? this.parse(row.rid, row.json) : undefined;
  }

  idsForAlias(alias: string): string[] {
    return (this.query(() => this.byAlias.all(alias)) as Array<{ id: string }>).map((r) => r.id);
  }

  hasEcosystem(ecosystem: string): boolean {
    return this.query(() => this.anyInEcosystem.get(ecosystem)) !== undefined;
  }

  kev(cve: string): { dateAdded: string; ransomware?: string } | undefined {
    const row = this.query(() => this.kevStmt.get(cve)) as
      { dateAdded: string; ransomware: string | null } | undefined;
    if (!row) return undefined;
    return row.ransomware === null
      ? { dateAdded: row.dateAdded }
      : { dateAdded: row.dateAdded, ransomware: row.ransomware };
  }

  epss(cve: string): number | undefined {
    return (this.query(() => this.epssStmt.get(cve)) as { score: number } | undefined)?.score;
  }

  status(): VulnDbStatus {
    const builtAt = metaJson(this.meta, "built_at", "");
    const builtMs = Date.parse(builtAt);
    const ageDays = Number.isFinite(builtMs)
      ? Math.round(((Date.now() - builtMs) / 86_400_000) * 10) / 10
      : Infinity;
    return {
      path: this.path,
      builtAt,
      sources: metaJson(this.meta, "sources", []),
      ecosystems: metaJson(this.meta, "ecosystems", {}),
      kevCount: metaJson(this.meta, "kev_count", 0),
      epssCount: metaJson(this.meta, "epss_count", 0),
      ageDays,
    };
  }

  close(): void {
    this.db.close();
  }
}

/** Opens `<cacheDir>/db/vuln.db` read-only. DB_MISSING when there is none, DB_CORRUPT when it is unusable. */
export function openVulnDb(cacheDir: string): VulnDb {
  const path = dbPath(cacheDir);
  if (!existsSync(path))
    throw new BulwarkError(
      "DB_MISSING",
      `no vulnerability database at ${path}; run \`bulwark db update\` (or \`bulwark db update --source DIR\` offline)`,
    );
  let db: Database.Database;
  try {
    requireRegularFile(path, "vulnerability database");
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw corrupt(path, errorMessage(e), e);
  }
  try {
    const meta = readMeta(db, path);
    return new SqliteVulnDb(db, path, meta);
  } catch (e) {
    db.close();
    throw e instanceof BulwarkError ? e : corrupt(path, errorMessage(e), e);
  }
}
