import type { Store } from "@bulwark/store";
import { SEVERITY_RANK } from "./finding-key.js";

export interface FindingFilter {
  state?: string;
  severity?: string;
  kind?: string;
  asset?: string;
  /** Opaque cursor: the key of the last finding of the previous page. */
  after?: string;
  limit: number;
}

export interface FindingRow {
  key: string;
  asset: string;
  kind: string;
  rule_id: string;
  severity: string;
  package_name: string | null;
  package_version: string | null;
  fixed_version: string | null;
  kev: number;
  epss: number | null;
  cvss: number | null;
  state: string;
  first_seen: number;
  last_seen: number;
  fixed_at: number | null;
  reopened_at: number | null;
  reopen_count: number;
}

const FINDING_COLUMNS =
  "key, asset, kind, rule_id, severity, package_name, package_version, fixed_version, kev, epss, cvss, state, first_seen, last_seen, fixed_at, reopened_at, reopen_count";

/** Findings, filtered, in key order with keyset pagination (fast on deep pages). */
export async function listFindings(
  store: Store,
  f: FindingFilter,
): Promise<{ items: FindingRow[]; next?: string }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (f.state) add("state = ?", f.state);
  if (f.severity) add("severity_rank = ?", SEVERITY_RANK[f.severity] ?? -1);
  if (f.kind) add("kind = ?", f.kind);
  if (f.asset) add("asset = ?", f.asset);
  if (f.after) add("key > ?", f.after);
  params.push(f.limit + 1);
  const sql = `SELECT ${FINDING_COLUMNS} FROM findings ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY key LIMIT $${params.length}`;
  const rows = await store.query<FindingRow>(sql, params);
  const items = rows.slice(0, f.limit);
  return rows.length > f.limit ? { items, next: items[items.length - 1]?.key } : { items };
}

export async function getFinding(
  store: Store,
  key: string,
): Promise<(FindingRow & { data: unknown; history: unknown[] }) | undefined> {
  const [row] = await store.query<FindingRow & { data: string }>(
    `SELECT ${FINDING_COLUMNS}, data FROM findings WHERE key = $1`,
    [key],
  );
  if (!row) return undefined;
  const history = await store.query(
    "SELECT event, scan_id, at FROM finding_events WHERE finding_key = $1 ORDER BY at, event",
    [key],
  );
  return { ...row, data: JSON.parse(row.data) as unknown, history };
}

export async function listImages(store: Store, limit: number, after?: string): Promise<unknown[]> {
  const rows = await store.query<{
    asset: string;
    digest: string | null;
    refs: string;
    os: string | null;
    first_seen: number;
    last_seen: number;
    package_count: number | null;
  }>(
    `SELECT i.asset, i.digest, i.refs, i.os, i.first_seen, i.last_seen, v.package_count
     FROM images i LEFT JOIN inventories v ON v.asset = i.asset WHERE i.asset > $1 ORDER BY i.asset LIMIT $2`,
    [after ?? "", limit],
  );
  return rows.map((r) => ({
    ...r,
    refs: JSON.parse(r.refs) as unknown,
    os: r.os ? (JSON.parse(r.os) as unknown) : null,
  }));
}

export async function getImage(store: Store, asset: string): Promise<unknown> {
  const [row] = await store.query<{
    asset: string;
    digest: string | null;
    refs: string;
    os: string | null;
    layers: string;
    first_seen: number;
    last_seen: number;
  }>("SELECT asset, digest, refs, os, layers, first_seen, last_seen FROM images WHERE asset = $1", [asset]);
  if (!row) return undefined;
  const [inv] = await store.query<{ packages: string }>("SELECT packages FROM inventories WHERE asset = $1", [
    asset,
  ]);
  const counts = await store.query<{ state: string; n: number }>(
    "SELECT state, COUNT(*) AS n FROM findings WHERE asset = $1 GROUP BY state",
    [asset],
  );
  return {
    asset: row.asset,
    digest: row.digest,
    refs: JSON.parse(row.refs) as unknown,
    os: row.os ? (JSON.parse(row.os) as unknown) : null,
    layers: JSON.parse(row.layers) as unknown,
    inventory: inv ? (JSON.parse(inv.packages) as { packages: unknown[] }).packages : null,
    findings: Object.fromEntries(counts.map((c) => [c.state, c.n])),
    first_seen: row.first_seen,
    last_seen: row.last_seen,
  };
}

export async function listScans(store: Store, limit: number, asset?: string): Promise<unknown[]> {
  const rows = await store.query<{ summary: string; scanners: string }>(
    `SELECT id, asset, target, source, scanners, generated_at, received_at, actor, finding_count, summary FROM scans
     ${asset ? "WHERE asset = $2" : ""} ORDER BY received_at DESC, id LIMIT $1`,
    asset ? [limit, asset] : [limit],
  );
  return rows.map((r) => ({
    ...r,
    scanners: JSON.parse(r.scanners) as unknown,
    summary: JSON.parse(r.summary) as unknown,
  }));
}
