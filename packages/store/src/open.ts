import { defaultDataDir } from "@bulwark/model";
import { openPostgres } from "./postgres.js";
import { StoreError } from "./errors.js";
import { openSqlite } from "./sqlite.js";
import type { Store } from "./types.js";

export interface OpenStoreOptions {
  dataDir?: string;
  databaseUrl?: string;
}

export { defaultDataDir };

/** `databaseUrl` postgres://… selects PostgreSQL; otherwise SQLite file `<dataDir>/bulwark.db`. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const url = opts.databaseUrl;
  if (url && /^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  if (url) {
    throw new StoreError("STORE_URL", "--database must be a postgres:// or postgresql:// URL");
  }
  return openSqlite(defaultDataDir(opts.dataDir));
}
