import { errorMessage } from "./deps.js";
import { StoreError } from "./errors.js";
import type { Migration, Store } from "./types.js";

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (namespace, id)
)`;

/**
 * Applies, in order and once, the migrations of one subsystem. Each migration runs in its own
 * transaction together with its ledger row, so a failing one leaves nothing half-applied. On
 * PostgreSQL an advisory lock makes several servers starting at once apply each migration once.
 */
export async function migrate(
  store: Store,
  namespace: string,
  migrations: readonly Migration[],
): Promise<void> {
  checkIds(namespace, migrations);
  await createLedger(store);
  for (const m of migrations) {
    await store.transaction(async (tx) => {
      await lockMigrations(tx);
      const done = await tx.query("SELECT 1 FROM schema_migrations WHERE namespace = $1 AND id = $2", [
        namespace,
        m.id,
      ]);
      if (done.length > 0) return;
      const sql = typeof m.sql === "string" || m.sql === undefined ? m.sql : m.sql[tx.dialect];
      try {
        if (sql) await tx.exec(sql);
        await m.run?.(tx);
      } catch (e) {
        throw new StoreError("STORE_MIGRATION", `migration ${namespace}/${m.id} failed: ${errorMessage(e)}`, {
          cause: e,
        });
      }
      await tx.exec("INSERT INTO schema_migrations (namespace, id, applied_at) VALUES ($1, $2, $3)", [
        namespace,
        m.id,
        new Date().toISOString(),
      ]);
    });
  }
}

/** Migration ids already applied in a namespace, in the order they were applied. */
export async function appliedMigrations(store: Store, namespace: string): Promise<string[]> {
  await createLedger(store);
  const rows = await store.query<{ id: string }>(
    "SELECT id FROM schema_migrations WHERE namespace = $1 ORDER BY applied_at, id",
    [namespace],
  );
  return rows.map((r) => r.id);
}

/** CREATE TABLE IF NOT EXISTS races on PostgreSQL (pg_type unique index), hence the lock. */
async function createLedger(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.exec(LEDGER);
  });
}

async function lockMigrations(tx: Store): Promise<void> {
  // SQLite's BEGIN IMMEDIATE already excludes other writers.
  if (tx.dialect === "postgres") await tx.query("SELECT pg_advisory_xact_lock(7262021)");
}

function checkIds(namespace: string, migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id))
      throw new StoreError("STORE_MIGRATION", `migration ${namespace}/${m.id} is listed twice`);
    if (m.sql === undefined && m.run === undefined)
      throw new StoreError("STORE_MIGRATION", `migration ${namespace}/${m.id} has neither sql nor run`);
    seen.add(m.id);
  }
}
