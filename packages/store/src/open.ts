import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { openPostgres } from "./postgres.js";
import { StoreError } from "./errors.js";
import { openSqlite } from "./sqlite.js";
import type { Store } from "./types.js";

export interface OpenStoreOptions {
  dataDir?: string;
  databaseUrl?: string;
}

/**
 * The data directory: `--data-dir`, else $BULWARK_DATA_DIR, else $XDG_DATA_HOME/bulwark,
 * else ~/.local/share/bulwark.
 */
export function defaultDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.BULWARK_DATA_DIR) return resolve(process.env.BULWARK_DATA_DIR);
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), ".local", "share"), "bulwark");
}

/** `databaseUrl` postgres://… selects PostgreSQL; otherwise SQLite file `<dataDir>/bulwark.db`. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const url = opts.databaseUrl;
  if (url && /^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  if (url) {
    throw new StoreError("STORE_URL", "--database must be a postgres:// or postgresql:// URL");
  }
  return openSqlite(defaultDataDir(opts.dataDir));
}
