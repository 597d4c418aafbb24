import type { Store } from "../../../store/src/index.js";
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

/**
 * Merges one scan's findings into the asset's history: first seen, still open, reopened after
 * a fix, fixed when a complete scan no longer lists it. Call inside a transaction that holds
 * the asset (see ingest), so two writers of one asset cannot interleave.
 */
export async function applyFindings(tx: Store, input: ApplyInput): Promise<ApplyResult> {
  const existing = new Map<string, string>();
  const rows = await tx.query<{ key: string; state: string; kind: string }>(
    "SELECT key, state, kind FROM findings WHERE asset = $1",
    [input.asset],
  );
  for (const r of rows) existing.set(r.key, r.state);
  const result: ApplyResult = { new: 0, reopened: 0, fixed: 0, unchanged: 0 };
  const seen = new Set<string>();
  for (const f of input.findings) {
    const key = findingKey(input.asset, f);
    if (seen.has(key)) continue;
    seen.add(key);
    const before = existing.get(key);
    await upsertFinding(tx, key, input, f, before);
    if (before === undefined) {
      result.new++;
      await event(tx, key, input, "first_seen");
    } else if (before === "fixed") {
      result.reopened++;
      await event(tx, key, input, "reopened");
    } else result.unchanged++;
  }
  for (const r of rows) {
    if (r.state !== "open" || seen.has(r.key) || !input.complete.has(r.kind)) continue;
    await tx.exec("UPDATE findings SET state = 'fixed', fixed_at = $1, last_scan = $2 WHERE key = $3", [
      input.now,
      input.scanId,
      r.key,
    ]);
    await event(tx, r.key, input, "fixed");
    result.fixed++;
  }
  return result;
}

async function upsertFinding(
  tx: Store,
  key: string,
  input: ApplyInput,
  f: Finding,
  before: string | undefined,
): Promise<void> {
  const c = findingColumns(f);
  const data = JSON.stringify(f);
  if (before === undefined) {
    await tx.exec(
      `INSERT INTO findings (key, asset, kind, rule_id, severity, severity_rank, package_name, package_version, fixed_version,
         kev, epss, cvss, state, first_seen, last_seen, last_scan, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $13, $14, $15)
       ON CONFLICT (key) DO NOTHING`,
      [
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
        input.scanId,
        data,
      ],
    );
    return;
  }
  const reopen = before === "fixed";
  await tx.exec(
    `UPDATE findings SET severity = $1, severity_rank = $2, fixed_version = $3, kev = $4, epss = $5, cvss = $6,
       state = 'open', last_seen = $7, last_scan = $8, data = $9,
       reopened_at = CASE WHEN $10 = 1 THEN $7 ELSE reopened_at END,
       reopen_count = reopen_count + $10
     WHERE key = $11`,
    [
      c.severity,
      c.severity_rank,
      c.fixed_version,
      c.kev,
      c.epss,
      c.cvss,
      input.now,
      input.scanId,
      data,
      reopen ? 1 : 0,
      key,
    ],
  );
}

async function event(tx: Store, key: string, input: ApplyInput, name: string): Promise<void> {
  await tx.exec(
    "INSERT INTO finding_events (finding_key, scan_id, event, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    [key, input.scanId, name, input.now],
  );
}
