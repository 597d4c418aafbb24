import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
  statSync,
  constants as fsConstants,
  type Stats,
} from "node:fs";
import { BulwarkError, errorMessage } from "./errors.js";

/**
 * Every bound on what Bulwark reads lives here: a hostile image, tree or feed must not make it
 * read forever, hold gigabytes or hang. Each default can be raised with an environment
 * variable `BULWARK_MAX_<NAME>` (bytes or counts), and each deadline with the variable named
 * in {@link DEADLINES}, documented in the README. `limits.test.ts` fails when a reader
 * elsewhere reads its own bound from the environment.
 */
const DEFAULTS = {
  /** index.json, manifest.json, image configs and manifests of archives and layouts. */
  IMAGE_JSON_BYTES: 16 * 1024 * 1024,
  /** The CISA KEV catalogue (about 1.5 MB today). */
  KEV_BYTES: 256 * 1024 * 1024,
  /** One OSV feed zip (all.zip of the largest ecosystem is a few hundred MB). */
  FEED_ZIP_BYTES: 4 * 1024 * 1024 * 1024,
  /** An EPSS CSV (gzip or plain). */
  EPSS_BYTES: 512 * 1024 * 1024,
  /** User-supplied configuration: ignore files, VEX documents, secret rules, baselines, docker config. */
  CONFIG_BYTES: 64 * 1024 * 1024,
  /** Bytes a compressed archive may be decompressed to under the cache's tmp dir. */
  SPOOL_BYTES: 32 * 1024 * 1024 * 1024,
  /** A sparse file in a layer, expanded for the analyzers that want it (its size costs the archive nothing). */
  SPARSE_FILE_BYTES: 256 * 1024 * 1024,
  /** One per-layer cache entry. */
  LAYER_CACHE_BYTES: 512 * 1024 * 1024,
  /**
   * An installed-package database (dpkg status, apk installed, rpmdb.sqlite). Over it the file
   * is an issue in the report, never a silent empty inventory.
   */
  PACKAGE_DB_BYTES: 512 * 1024 * 1024,
  /** Uncompressed bytes one image layer may expand to. */
  LAYER_BYTES: 16 * 1024 * 1024 * 1024,
  /** Uncompressed / compressed size of a layer (a decompression bomb), checked past 256 MiB. */
  LAYER_RATIO: 100,
} as const;

export type LimitName = keyof typeof DEFAULTS;

/** The bound in force: the default, or `BULWARK_MAX_<NAME>` when set to a positive integer. */
export function limit(name: LimitName): number {
  const raw = process.env[`BULWARK_MAX_${name}`];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULTS[name];
}

/** Defaults, for documentation and `--debug` output. */
export const limitDefaults: Readonly<Record<LimitName, number>> = DEFAULTS;

/**
 * Every network deadline (milliseconds) and the one minimum rate, with the variable that
 * overrides each. A peer that stops sending, or trickles, must not hold a command forever.
 */
export const DEADLINES = {
  /** A registry request: no bytes received for this long. */
  REGISTRY_IDLE_MS: { env: "BULWARK_REGISTRY_TIMEOUT_MS", default: 60_000 },
  /** A registry response in all: this floor plus its size at REGISTRY_MIN_RATE. */
  REGISTRY_TOTAL_MS: { env: "BULWARK_REGISTRY_TOTAL_MS", default: 120_000 },
  /** Bytes per second a registry blob is allowed for on top of the floor. */
  REGISTRY_MIN_RATE: { env: "BULWARK_REGISTRY_MIN_RATE", default: 64 * 1024 },
  /** One feed download (`db update` from a URL) in all, whatever its stall timer says. */
  DOWNLOAD_TOTAL_MS: { env: "BULWARK_DOWNLOAD_TOTAL_MS", default: 30 * 60_000 },
  /** One upload to a Bulwark server (`--server`), answer included. */
  UPLOAD_MS: { env: "BULWARK_UPLOAD_TIMEOUT_MS", default: 120_000 },
  /** One call to a Bulwark vault from the CLI (`--vault-leaks`, `vault` commands), answer included. */
  VAULT_CALL_MS: { env: "BULWARK_VAULT_TIMEOUT_MS", default: 60_000 },
} as const;

export type DeadlineName = keyof typeof DEADLINES;

/** The deadline in force: the default, or its variable when set to a positive number. */
export function deadline(name: DeadlineName): number {
  const { env, default: fallback } = DEADLINES[name];
  const raw = process.env[env];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function tooLarge(path: string, what: string, size: number, name: LimitName): BulwarkError {
  return new BulwarkError(
    "FILE_TOO_LARGE",
    `${what} ${path} is ${size} bytes, over the ${limit(name)}-byte limit (raise it with BULWARK_MAX_${name})`,
  );
}

/**
 * Refuse anything that is not a regular file before opening it: a FIFO would hang the read,
 * and `/dev/zero` or another device would never end. Symlinks are followed (a user may point
 * at a linked file) but the target's type is what counts.
 */
export function requireRegularFile(path: string, what: string, name?: LimitName): number {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new BulwarkError("TARGET_UNKNOWN", `${what} ${path} is not a regular file (${kindOf(st)})`);
    size = st.size;
  } catch (e) {
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError("IO", `${what} ${path}: ${errorMessage(e)}`, undefined, { cause: e });
  }
  if (name && size > limit(name)) throw tooLarge(path, what, size, name);
  return size;
}

function kindOf(st: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isDirectory()) return "a directory";
  if (st.isSocket()) return "a socket";
  return "not a file";
}

/**
 * Open a regular file for reading, bounded: the type and size are checked on the opened
 * descriptor (no swap between check and read). The caller closes the descriptor.
 */
export function openBoundedFileSync(
  path: string,
  what: string,
  name: LimitName,
): { fd: number; stats: Stats } {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer.
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw new BulwarkError("IO", `${what} ${path}: ${errorMessage(e)}`, undefined, { cause: e });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile())
      throw new BulwarkError("TARGET_UNKNOWN", `${what} ${path} is not a regular file (${kindOf(stats)})`);
    if (stats.size > limit(name)) throw tooLarge(path, what, stats.size, name);
    return { fd, stats };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Read a whole regular file, bounded (see openBoundedFileSync); no more than the bound is read even if it grows. */
export function readBoundedFileSync(path: string, what: string, name: LimitName): Buffer {
  const { fd, stats } = openBoundedFileSync(path, what, name);
  try {
    const buf = Buffer.allocUnsafe(stats.size);
    let at = 0;
    while (at < stats.size) {
      const n = readSync(fd, buf, at, stats.size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** As {@link readBoundedFileSync}, or undefined when the file does not exist. */
export function readBoundedFileIfExists(path: string, what: string, name: LimitName): Buffer | undefined {
  try {
    return readBoundedFileSync(path, what, name);
  } catch (e) {
    if (e instanceof BulwarkError && (e.cause as { code?: string } | undefined)?.code === "ENOENT")
      return undefined;
    throw e;
  }
}
