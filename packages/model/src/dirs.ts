import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Bulwark keeps everything it writes under one cache directory:
 * `--cache-dir`, else $BULWARK_CACHE_DIR, else $XDG_CACHE_HOME/bulwark, else ~/.cache/bulwark.
 */
export function cacheDir(override?: string): string {
  if (override) return resolve(override);
  const env = process.env.BULWARK_CACHE_DIR;
  if (env) return resolve(env);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), ".cache"), "bulwark");
}

/**
 * The data directory (stores, baselines — what Bulwark keeps, not caches): `--data-dir`,
 * else $BULWARK_DATA_DIR, else $XDG_DATA_HOME/bulwark, else ~/.local/share/bulwark.
 */
export function defaultDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.BULWARK_DATA_DIR) return resolve(process.env.BULWARK_DATA_DIR);
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), ".local", "share"), "bulwark");
}
