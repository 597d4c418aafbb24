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

/** Rows per multi-row statement: 16 columns x 200 stays far below both dialects' parameter limits. */
const CHUNK = 200;

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
  for (let i = 0; i < entries.length; i += CHUNK)
    await upsertFindings(tx, input, entries.slice(i, i + CHUNK));
  const fixed = rows
    .filter((r) => r.state === "open" && !incoming.has(r.key) && input.complete.has(r.kind))
    .map((r) => r.key);
  for (let i = 0; i < fixed.length; i += CHUNK) {
    const keys = fixed.slice(i, i + CHUNK);
    const marks = keys.map((_, j) => `$${j + 3}`).join(", ");
    await tx.exec(
      `UPDATE findings SET state = 'fixed', fixed_at = $1, last_scan = $2 WHERE key IN (${marks})`,
      [input.now, input.scanId, ...keys],
    );
    events.push(...keys.map((k): [string, string] => [k, "fixed"]));
  }
  result.fixed = fixed.length;
  for (let i = 0; i < events.length; i += CHUNK) await insertEvents(tx, input, events.slice(i, i + CHUNK));
  return result;
}

/** One INSERT … ON CONFLICT for a chunk: new rows are inserted, known ones refreshed (and reopened if fixed). */
async function upsertFindings(tx: Store, input: ApplyInput, chunk: Array<[string, Finding]>): Promise<void> {
  const params: unknown[] = [];
  const tuples = chunk.map(([key, f]) => {
    const c = findingColumns(f);
    const values = [
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
    const start = params.length;
    params.push(...values);
    return `(${values.map((_, j) => `$${start + j + 1}`).join(", ")}, 'open')`;
  });
  await tx.exec(
    `INSERT INTO findings (key, asset, kind, rule_id, severity, severity_rank, package_name, package_version, fixed_version,
       kev, epss, cvss, first_seen, last_seen, last_scan, data, state)
     VALUES ${tuples.join(", ")}
     ON CONFLICT (key) DO UPDATE SET
       severity = excluded.severity, severity_rank = excluded.severity_rank, fixed_version = excluded.fixed_version,
       kev = excluded.kev, epss = excluded.epss, cvss = excluded.cvss, last_seen = excluded.last_seen,
       last_scan = excluded.last_scan, data = excluded.data,
       reopened_at = CASE WHEN findings.state = 'fixed' THEN excluded.last_seen ELSE findings.reopened_at END,
       reopen_count = findings.reopen_count + CASE WHEN findings.state = 'fixed' THEN 1 ELSE 0 END,
       state = 'open'`,
    params,
  );
}

async function insertEvents(tx: Store, input: ApplyInput, chunk: Array<[string, string]>): Promise<void> {
  const params: unknown[] = [input.scanId, input.now];
  const tuples = chunk.map(([key, event]) => {
    params.push(key, event);
    return `($${params.length - 1}, $1, $${params.length}, $2)`;
  });
  await tx.exec(
    `INSERT INTO finding_events (finding_key, scan_id, event, at) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`,
    params,
  );
}
