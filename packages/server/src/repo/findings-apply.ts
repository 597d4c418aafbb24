import type { Store } from "@bulwark/store";
import type { Finding } from "../deps.js";
import { findingColumns, findingKey } from "./finding-key.js";

export interface ApplyInput {
  scanId: string;
  asset: string;
  /** Finding kinds this scan covered completely: open ones it does not list are now fixed. */
  complete: ReadonlySet<string>;
  findings: readonly Finding[];
  now: number;
}

export interface ApplyResult {
  new: number;
  reopened: number;
  fixed: number;
  unchanged: number;
}

/** Rows per multi-row statement: 16 columns x 200 stays far below SQLite's parameter limit. */
const CHUNK = 200;
/**
 * PostgreSQL takes a chunk as one array per column (`unnest`): 16 parameters whatever the row
 * count, so the server neither parses nor plans thousands of placeholders per statement.
 */
const PG_CHUNK = 2000;

function chunkSize(tx: Store): number {
  return tx.dialect === "postgres" ? PG_CHUNK : CHUNK;
}

const UPSERT_SET = `ON CONFLICT (key) DO UPDATE SET
       severity = excluded.severity, severity_rank = excluded.severity_rank, fixed_version = excluded.fixed_version,
       kev = excluded.kev, epss = excluded.epss, cvss = excluded.cvss, last_seen = excluded.last_seen,
       last_scan = excluded.last_scan, data = excluded.data,
       reopened_at = CASE WHEN findings.state = 'fixed' THEN excluded.last_seen ELSE findings.reopened_at END,
       reopen_count = findings.reopen_count + CASE WHEN findings.state = 'fixed' THEN 1 ELSE 0 END,
       state = 'open'`;

/** Column types of a findings row for PostgreSQL's `unnest`, in insert order. */
const PG_TYPES = [
  "text",
  "text",
  "text",
  "text",
  "text",
  "integer",
  "text",
  "text",
  "text",
  "integer",
  "real",
  "real",
  "bigint",
  "bigint",
  "text",
  "text",
];

/**
 * Merges one scan's findings into the asset's history: first seen, still open, reopened after
 * a fix, fixed when a complete scan no longer lists it. Call inside a transaction that holds
 * the asset (see ingest), so two writers of one asset cannot interleave. Multi-row statements:
 * a few round trips per scan rather than several per finding.
 */
export async function applyFindings(tx: Store, input: ApplyInput): Promise<ApplyResult> {
  const rows = await tx.query<{ key: string; state: string; kind: string }>(
    "SELECT key, state, kind FROM findings WHERE asset = $1",
    [input.asset],
  );
  const existing = new Map(rows.map((r) => [r.key, r.state]));
  const incoming = new Map<string, Finding>();
  for (const f of input.findings) {
    const key = findingKey(input.asset, f);
    if (!incoming.has(key)) incoming.set(key, f);
  }
  const result: ApplyResult = { new: 0, reopened: 0, fixed: 0, unchanged: 0 };
  const events: Array<[string, string]> = [];
  for (const key of incoming.keys()) {
    const before = existing.get(key);
    if (before === undefined) {
      result.new++;
      events.push([key, "first_seen"]);
    } else if (before === "fixed") {
      result.reopened++;
      events.push([key, "reopened"]);
    } else result.unchanged++;
  }
  const entries = [...incoming.entries()];
  const chunk = chunkSize(tx);
  for (let i = 0; i < entries.length; i += chunk)
    await upsertFindings(tx, input, entries.slice(i, i + chunk));
  const fixed = rows
    .filter((r) => r.state === "open" && !incoming.has(r.key) && input.complete.has(r.kind))
    .map((r) => r.key);
  for (let i = 0; i < fixed.length; i += chunk) {
    const keys = fixed.slice(i, i + chunk);
    await markFixed(tx, input, keys);
    events.push(...keys.map((k): [string, string] => [k, "fixed"]));
  }
  result.fixed = fixed.length;
  for (let i = 0; i < events.length; i += chunk) await insertEvents(tx, input, events.slice(i, i + chunk));
  return result;
}

function rowValues(input: ApplyInput, key: string, f: Finding): unknown[] {
  const c = findingColumns(f);
  return [
    key,
    input.asset,
    c.kind,
    c.rule_id,
    c.severity,
    c.severity_rank,
    c.package_name,
    c.package_version,
    c.fixed_version,
    c.kev,
    c.epss,
    c.cvss,
    input.now,
    input.now,
    input.scanId,
    JSON.stringify(f),
  ];
}

const INSERT_COLUMNS = `INSERT INTO findings (key, asset, kind, rule_id, severity, severity_rank, package_name, package_version, fixed_version,
       kev, epss, cvss, first_seen, last_seen, last_scan, data, state)`;

/** One INSERT … ON CONFLICT for a chunk: new rows are inserted, known ones refreshed (and reopened if fixed). */
async function upsertFindings(tx: Store, input: ApplyInput, chunk: Array<[string, Finding]>): Promise<void> {
  const rows = chunk.map(([key, f]) => rowValues(input, key, f));
  if (tx.dialect === "postgres") {
    const columns = PG_TYPES.map((_, j) => rows.map((r) => r[j]));
    const arrays = PG_TYPES.map((t, j) => `$${j + 1}::${t}[]`).join(", ");
    await tx.exec(`${INSERT_COLUMNS} SELECT *, 'open' FROM unnest(${arrays}) ${UPSERT_SET}`, columns);
    return;
  }
  const params: unknown[] = [];
  const tuples = rows.map((values) => {
    const start = params.length;
    params.push(...values);
    return `(${values.map((_, j) => `$${start + j + 1}`).join(", ")}, 'open')`;
  });
  await tx.exec(`${INSERT_COLUMNS} VALUES ${tuples.join(", ")} ${UPSERT_SET}`, params);
}

async function markFixed(tx: Store, input: ApplyInput, keys: string[]): Promise<void> {
  const set = "UPDATE findings SET state = 'fixed', fixed_at = $1, last_scan = $2";
  if (tx.dialect === "postgres") {
    await tx.exec(`${set} WHERE key = ANY($3::text[])`, [input.now, input.scanId, keys]);
    return;
  }
  const marks = keys.map((_, j) => `$${j + 3}`).join(", ");
  await tx.exec(`${set} WHERE key IN (${marks})`, [input.now, input.scanId, ...keys]);
}

async function insertEvents(tx: Store, input: ApplyInput, chunk: Array<[string, string]>): Promise<void> {
  const insert = "INSERT INTO finding_events (finding_key, scan_id, event, at)";
  if (tx.dialect === "postgres") {
    await tx.exec(
      `${insert} SELECT k, $1, e, $2 FROM unnest($3::text[], $4::text[]) AS t (k, e) ON CONFLICT DO NOTHING`,
      [input.scanId, input.now, chunk.map((c) => c[0]), chunk.map((c) => c[1])],
    );
    return;
  }
  const params: unknown[] = [input.scanId, input.now];
  const tuples = chunk.map(([key, event]) => {
    params.push(key, event);
    return `($${params.length - 1}, $1, $${params.length}, $2)`;
  });
  await tx.exec(`${insert} VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`, params);
}
