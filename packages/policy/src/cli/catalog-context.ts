import { resolve } from "node:path";
import type { Command } from "commander";
import { migrate, openStore } from "@bulwark/store";
import { catalogMigrations } from "../catalog/migrations.js";
import { rememberPolicy } from "../catalog/history.js";
import type { CatalogContext } from "../catalog/catalog.js";
import { globalOptions, log, openVulnDb } from "../deps.js";
import { registryAccess } from "../policy/judge.js";
import { loadPolicySet } from "../policy/load.js";
import { scanOptions, type PolicyFlags } from "./common.js";

export interface StoreFlags {
  dataDir?: string;
  database?: string;
}

export function addStoreFlags(cmd: Command): Command {
  return cmd
    .option(
      "--data-dir <dir>",
      "Bulwark's data directory (SQLite store; default $BULWARK_DATA_DIR or ~/.local/share/bulwark)",
    )
    .option("--database <url>", "PostgreSQL URL instead of the SQLite store");
}

export async function openCatalogStore(flags: StoreFlags) {
  const store = await openStore({
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.database ? { databaseUrl: flags.database } : {}),
  });
  await migrate(store, "catalog", catalogMigrations);
  return store;
}

/** Store, policies, advisory database (when the policies need one) and registry access of a catalog command. */
export async function catalogContext(
  cmd: Command,
  flags: PolicyFlags & StoreFlags,
): Promise<CatalogContext & { close(): Promise<void> }> {
  const set = loadPolicySet(flags.policy, flags);
  const scan = scanOptions(cmd, flags);
  const needsDb = set.policies.some((p) => p.vulnerabilities);
  const vulnDb = needsDb ? openVulnDb(scan.cacheDir) : undefined;
  const store = await openCatalogStore(flags);
  // `bulwark db update` re-judges the catalog later with these same files, from any directory.
  await rememberPolicy(
    store,
    flags.policy.map((f) => resolve(f)),
    set.version,
    Date.now(),
  );
  const g = globalOptions(cmd);
  return {
    store,
    set,
    scan,
    access: registryAccess(scan),
    ...(vulnDb ? { db: { source: vulnDb, version: vulnDb.status().builtAt } } : {}),
    log: (l) => log(g, l),
    close: async () => {
      vulnDb?.close();
      await store.close();
    },
  };
}
