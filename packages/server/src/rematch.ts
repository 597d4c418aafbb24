import type { Store } from "@bulwark/store";
import { errorMessage, openVulnDb, type Inventory, type VulnDb, type VulnerabilityFinding } from "./deps.js";
import { PackageMatchCache } from "./match-cache.js";
import { applyFindings, type ApplyResult } from "./repo/findings-apply.js";

export interface RematchResult {
  dbVersion: string;
  inventories: number;
  skipped: number;
  new: number;
  fixed: number;
  reopened: number;
}

const PAGE = 200;
/**
 * Inventories are merged several to a transaction, until it has run this long: a page that
 * every asset touches (the tail of the findings table and of each priority group) is written
 * to the WAL once per commit, not once per asset, while SQLite's single connection (which API
 * reads wait for) or these images' row locks are held for a fraction of a second, however slow
 * the machine.
 */
const BATCH_MS = 250;

/**
 * Matches every stored inventory against `db` and merges the vulnerability findings into each
 * asset's history (new advisories appear, withdrawn ones are fixed) without a re-scan. One
 * scan row per (database version, asset) makes a repeated or concurrent run a no-op.
 */
export async function rematchAll(
  store: Store,
  db: Pick<VulnDb, "advisories" | "kev" | "epss" | "record" | "idsForAlias">,
  dbVersion: string,
): Promise<RematchResult> {
  const out: RematchResult = { dbVersion, inventories: 0, skipped: 0, new: 0, fixed: 0, reopened: 0 };
  const matcher = new PackageMatchCache(db);
  let after = "";
  for (;;) {
    const page = await store.query<{ asset: string; packages: string }>(
      "SELECT asset, packages FROM inventories WHERE asset > $1 ORDER BY asset LIMIT $2",
      [after, PAGE],
    );
    // Matching is CPU work outside the transactions; only the merges hold the store.
    const matched = page.map((row) => ({
      asset: row.asset,
      scanId: `rematch:${dbVersion}:${row.asset}`,
      findings: matcher.match(JSON.parse(row.packages) as Pick<Inventory, "packages" | "os">),
    }));
    for (let i = 0; i < matched.length;) {
      const results = await store.transaction(async (tx) => {
        const started = performance.now();
        const now = Date.now();
        const applied: Array<ApplyResult | undefined> = [];
        for (let j = i; j < matched.length && performance.now() - started < BATCH_MS; j++) {
          const m = matched[j]!;
          applied.push(await mergeOne(tx, m.scanId, m.asset, m.findings, now));
        }
        return applied;
      });
      i += results.length;
      for (const applied of results) {
        if (!applied) out.skipped++;
        else {
          out.inventories++;
          out.new += applied.new;
          out.fixed += applied.fixed;
          out.reopened += applied.reopened;
        }
      }
    }
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.asset;
  }
}

/**
 * Matches one stored inventory and merges the findings under `scanId`; undefined when that
 * scan id is already stored (the match was applied before).
 */
async function matchOne(
  store: Store,
  matcher: PackageMatchCache,
  scanId: string,
  asset: string,
  packagesJson: string,
): Promise<ApplyResult | undefined> {
  const inventory = JSON.parse(packagesJson) as Pick<Inventory, "packages" | "os">;
  // Matching is CPU work outside the transaction; only the merge holds the store.
  const findings = matcher.match(inventory);
  return store.transaction((tx) => mergeOne(tx, scanId, asset, findings, Date.now()));
}

/** Inside a transaction: records the re-match scan and merges its findings; undefined if already applied. */
async function mergeOne(
  tx: Store,
  scanId: string,
  asset: string,
  findings: VulnerabilityFinding[],
  now: number,
): Promise<ApplyResult | undefined> {
  const inserted = await tx.exec(
    `INSERT INTO scans (id, asset, target, source, scanners, generated_at, received_at, actor, finding_count, summary)
     VALUES ($1, $2, $2, 'rematch', '["vuln"]', $3, $4, 'system:rematch', $5, '{}') ON CONFLICT (id) DO NOTHING`,
    [scanId, asset, new Date(now).toISOString(), now, findings.length],
  );
  if (inserted.changes === 0) return undefined;
  await tx.exec("UPDATE images SET last_seen = last_seen WHERE asset = $1", [asset]); // row lock, as ingest takes
  return applyFindings(tx, { scanId, asset, complete: new Set(["vulnerability"]), findings, now });
}

/**
 * Matches the inventory stored for `asset` against the advisory database in `cacheDir` now
 * (an uploaded SBOM); undefined when there is no database or no inventory.
 */
export async function matchStoredInventory(
  store: Store,
  cacheDir: string,
  asset: string,
  scanId: string,
): Promise<{ dbVersion: string; new: number; fixed: number; reopened: number } | undefined> {
  const [row] = await store.query<{ packages: string }>("SELECT packages FROM inventories WHERE asset = $1", [
    asset,
  ]);
  if (!row) return undefined;
  let db: VulnDb;
  try {
    db = openVulnDb(cacheDir);
  } catch {
    return undefined; // no database yet: the next re-match after `db update` finds them
  }
  try {
    const dbVersion = db.status().builtAt;
    const applied = await matchOne(store, new PackageMatchCache(db), scanId, asset, row.packages);
    return { dbVersion, ...(applied ?? { new: 0, fixed: 0, reopened: 0 }) };
  } finally {
    db.close();
  }
}

/**
 * Polls the advisory database in `cacheDir`; when its build time differs from the one the store
 * last re-matched against, re-matches everything. Returns a stop function.
 */
export function watchVulnDb(
  store: Store,
  cacheDir: string,
  opts: { intervalMs: number; log: (line: string) => void },
): { stop(): Promise<void>; checkNow(): Promise<RematchResult | undefined> } {
  let running: Promise<RematchResult | undefined> | undefined;
  const check = async (): Promise<RematchResult | undefined> => {
    let db: VulnDb;
    try {
      db = openVulnDb(cacheDir);
    } catch {
      return undefined; // no database yet: nothing to match against
    }
    try {
      const version = db.status().builtAt;
      const [state] = await store.query<{ value: string }>(
        "SELECT value FROM server_state WHERE name = 'vulndb_built_at'",
      );
      if (state?.value === version) return undefined;
      const started = performance.now();
      const result = await rematchAll(store, db, version);
      await store.exec(
        "INSERT INTO server_state (name, value) VALUES ('vulndb_built_at', $1) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [version],
      );
      opts.log(
        `advisory database ${version}: re-matched ${result.inventories} inventories in ${Math.round(performance.now() - started)} ms (${result.new} new, ${result.fixed} fixed)`,
      );
      return result;
    } catch (e) {
      opts.log(`re-match failed: ${errorMessage(e)}`);
      return undefined;
    } finally {
      db.close();
    }
  };
  const tick = (): void => {
    running ??= check().finally(() => (running = undefined));
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
    checkNow() {
      tick();
      return running!;
    },
  };
}
