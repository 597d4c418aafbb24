import { closeSync, fstatSync, openSync, readSync, statSync, constants as fsConstants } from "node:fs";
import { BulwarkError, errorMessage } from "./errors.js";

/**
 * Every bound on what Bulwark reads lives here: a hostile image, tree or feed must not make it
 * read forever, hold gigabytes or hang. Each default can be raised with an environment
 * variable `BULWARK_MAX_<NAME>` (bytes or counts), documented in the README.
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
 * Read a whole regular file, bounded: the type and size are checked on the opened descriptor
 * (no swap between check and read), and no more than the bound is read even if it grows.
 */
export function readBoundedFileSync(path: string, what: string, name: LimitName): Buffer {
  const max = limit(name);
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw new BulwarkError("IO", `${what} ${path}: ${errorMessage(e)}`, undefined, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new BulwarkError("TARGET_UNKNOWN", `${what} ${path} is not a regular file (${kindOf(st)})`);
    if (st.size > max) throw tooLarge(path, what, st.size, name);
    const buf = Buffer.allocUnsafe(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, buf, at, st.size - at, at);
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
