import type { Store } from "@bulwark/store";

/**
 * What the catalog remembers between commands: the policy files that last judged it (so
 * `bulwark db update` can re-judge without being told) and every verdict a re-match changed.
 */
const CURRENT = "current";

export async function rememberPolicy(store: Store, files: string[], version: string, now: number) {
  await store.exec(
    `INSERT INTO catalog_policy (id, files, version, recorded_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET files = excluded.files, version = excluded.version, recorded_at = excluded.recorded_at`,
    [CURRENT, JSON.stringify(files), version, now],
  );
}

export async function rememberedPolicy(store: Store): Promise<string[] | undefined> {
  const [r] = await store.query<{ files: string }>("SELECT files FROM catalog_policy WHERE id = $1", [
    CURRENT,
  ]);
  return r ? (JSON.parse(r.files) as string[]) : undefined;
}

export interface VerdictChangeRow {
  registry: string;
  repository: string;
  digest: string;
  before: string;
  after: string;
  reasons: string[];
  dbVersion: string;
  changedAt: number;
}

export async function recordChange(store: Store, c: VerdictChangeRow): Promise<void> {
  await store.exec(
    `INSERT INTO catalog_verdict_changes (registry, repository, digest, before_verdict, after_verdict, reasons, db_version, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      c.registry,
      c.repository,
      c.digest,
      c.before,
      c.after,
      JSON.stringify(c.reasons),
      c.dbVersion,
      c.changedAt,
    ],
  );
}

export async function changesOf(
  store: Store,
  registry: string,
  repository: string,
  digest: string,
): Promise<VerdictChangeRow[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT * FROM catalog_verdict_changes WHERE registry = $1 AND repository = $2 AND digest = $3 ORDER BY changed_at`,
    [registry, repository, digest],
  );
  return rows.map((r) => ({
    registry,
    repository,
    digest,
    before: String(r.before_verdict),
    after: String(r.after_verdict),
    reasons: JSON.parse(String(r.reasons)) as string[],
    dbVersion: String(r.db_version),
    changedAt: Number(r.changed_at),
  }));
}
