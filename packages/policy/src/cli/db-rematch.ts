import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultDataDir, migrate, openStore, type Store } from "@bulwark/store";
import { catalogMigrations } from "../catalog/migrations.js";
import { rememberedPolicy } from "../catalog/history.js";
import { rematchCatalog, type RematchSummary } from "../catalog/rematch.js";
import { errorMessage, openVulnDb, type ScanOptions } from "../deps.js";
import { PolicyError } from "../errors.js";
import { loadPolicySet } from "../policy/load.js";

export interface DbRematchOptions {
  cacheDir: string;
  dataDir?: string;
  database?: string;
  /** Policy files to judge with; default: the ones that judged the catalog last. */
  policy?: string[];
  log?: (line: string) => void;
}

/** The catalog's remembered policy files, or undefined when this store has no catalog yet. */
async function remembered(store: Store): Promise<string[] | undefined> {
  try {
    return await rememberedPolicy(store);
  } catch {
    return undefined; // no catalog tables: nothing was ever catalogued here
  }
}

/**
 * Called by `bulwark db update` once the new database is in place: re-match every stored
 * inventory and re-judge every catalogued image, from the store alone. Undefined when there
 * is no catalog to re-match (no store file, or nothing ever judged by a policy).
 */
export async function rematchAfterDbUpdate(o: DbRematchOptions): Promise<RematchSummary | undefined> {
  // Never create a data directory as a side effect of updating the advisory database.
  if (!o.database && !existsSync(join(defaultDataDir(o.dataDir), "bulwark.db"))) return undefined;
  const store = await openStore({
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    ...(o.database ? { databaseUrl: o.database } : {}),
  });
  try {
    const files = o.policy?.length ? o.policy : await remembered(store);
    if (!files?.length) return undefined;
    await migrate(store, "catalog", catalogMigrations);
    let set;
    try {
      set = loadPolicySet(files);
    } catch (e) {
      throw new PolicyError(
        "POLICY_INVALID",
        `the database was updated, but the catalog was not re-matched: ${errorMessage(e)}`,
      );
    }
    const vulnDb = openVulnDb(o.cacheDir);
    try {
      const scan: ScanOptions = { cacheDir: o.cacheDir, scanners: [] };
      return await rematchCatalog({
        store,
        set,
        scan,
        access: {},
        db: { source: vulnDb, version: vulnDb.status().builtAt },
        ...(o.log ? { log: o.log } : {}),
      });
    } finally {
      vulnDb.close();
    }
  } finally {
    await store.close();
  }
}
