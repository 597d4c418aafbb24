import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { type Analyzer, BulwarkError, type LayerAnalysis, readBoundedFileSync } from "@bulwark/model";

/**
 * Bump when the cached shape changes. 2: the file is ASCII (asciiJson). 3: the layer's paths
 * are a second line, parsed only when first asked for. 4: the head holds the CRC-32 of that
 * line, so a damaged list is a miss when the file is read, not a failure when it is parsed.
 */
const SCHEMA = 4;

type Stored = Pick<LayerAnalysis, "results" | "whiteouts" | "opaqueDirs" | "paths" | "issues">;

/** The first line of a cache file; the second is the JSON array of the layer's paths. */
interface CacheHead extends Omit<Stored, "paths"> {
  schema: number;
  diffId: string;
  analyzers: string[];
  /** CRC-32 of the second line's bytes: checked on every read, which costs far less than parsing it. */
  pathsCrc32: number;
}

/** "dpkg@1", "npm@3", … sorted: the analyzer part of the cache key. */
export function analyzerKey(analyzers: readonly Analyzer[]): string[] {
  return analyzers.map((a) => `${a.name}@${a.version}`).sort();
}

export function layerCachePath(cacheDir: string, diffId: string, analyzers: readonly Analyzer[]): string {
  const keyHash = createHash("sha256").update(analyzerKey(analyzers).join("\n")).digest("hex").slice(0, 16);
  const hex = diffId.replace(/^sha256:/, "");
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new Error(`not a sha256 diffID: ${diffId}`);
  return join(cacheDir, "layers", `${hex}-${keyHash}.json`);
}

function isStored(value: unknown, diffId: string, key: string[]): value is CacheHead {
  const v = value as Partial<CacheHead> | null;
  return (
    !!v &&
    v.schema === SCHEMA &&
    v.diffId === diffId &&
    Array.isArray(v.analyzers) &&
    v.analyzers.join("\n") === key.join("\n") &&
    typeof v.pathsCrc32 === "number" &&
    [v.results, v.whiteouts, v.opaqueDirs, v.issues].every(Array.isArray)
  );
}

/** Cached results for this layer and analyzer set, or undefined (missing or corrupt: both mean "walk it"). */
export async function readLayerCache(
  cacheDir: string,
  diffId: string,
  analyzers: readonly Analyzer[],
): Promise<Stored | undefined> {
  const file = layerCachePath(cacheDir, diffId, analyzers);
  let bytes: Buffer;
  try {
    // A FIFO or device planted in the cache must not hang the scan: it is a miss.
    bytes = readBoundedFileSync(file, "layer cache", "LAYER_CACHE_BYTES");
  } catch {
    return undefined;
  }
  // JSON.stringify writes no raw newline, so the first one ends the head.
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  const tail = bytes.subarray(newline + 1);
  if (tail[0] !== 0x5b || tail[tail.length - 1] !== 0x5d) return undefined; // [ … ]
  try {
    // The file is ASCII (asciiJson), so latin1 decodes it exactly, into a one-byte string,
    // without UTF-8 validation; a file that is not ASCII is not ours and fails a check below.
    const value: unknown = JSON.parse(bytes.toString("latin1", 0, newline));
    if (!isStored(value, diffId, analyzerKey(analyzers))) return undefined;
    // Damage inside the brackets is found here, while a miss is still possible.
    if (crc32(tail) !== value.pathsCrc32) return undefined;
    const { results, whiteouts, opaqueDirs, issues } = value;
    return withLazyPaths({ results, whiteouts, opaqueDirs }, tail, issues, file);
  } catch {
    return undefined;
  }
}

/**
 * The stored content with `paths` parsed on first read. Only a layer with layers above it is
 * asked for its paths (and only while some file it holds is judged), so a one-layer image's
 * warm scan never decodes or parses the list: tens of thousands of strings, half the file.
 * Copy the property by its descriptor (as walk.ts's withLayer does), not by spreading.
 */
function withLazyPaths(
  head: Omit<Stored, "paths" | "issues">,
  tail: Buffer,
  issues: Stored["issues"],
  file: string,
): Stored {
  let paths: string[] | undefined;
  const stored = Object.defineProperty(head, "paths", {
    enumerable: true,
    configurable: true,
    get: () => (paths ??= parsePaths(tail, file)),
  }) as Stored;
  stored.issues = issues;
  return stored;
}

function parsePaths(tail: Buffer, file: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(tail.toString("latin1"));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((p) => typeof p === "string")) {
    // The bytes passed their CRC-32, so they are what a writer wrote: only a file forged to
    // match its checksum gets here, too late for a miss. Removing it makes the next scan walk
    // the layer again.
    throw new BulwarkError("IO", `layer cache ${file} is damaged (its path list); delete it and scan again`);
  }
  return value as string[];
}

/** Write atomically (temp file + rename) so a crash or a concurrent scan never leaves half a file. */
export async function writeLayerCache(
  cacheDir: string,
  diffId: string,
  analyzers: readonly Analyzer[],
  content: Stored,
): Promise<void> {
  const file = layerCachePath(cacheDir, diffId, analyzers);
  await mkdir(join(cacheDir, "layers"), { recursive: true, mode: 0o700 });
  const { paths, ...rest } = content;
  const tail = Buffer.from(asciiJson(paths), "latin1");
  const head: CacheHead = {
    schema: SCHEMA,
    diffId,
    analyzers: analyzerKey(analyzers),
    pathsCrc32: crc32(tail),
    ...rest,
  };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, Buffer.concat([Buffer.from(`${asciiJson(head)}\n`, "latin1"), tail]), {
      mode: 0o600,
    });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * JSON.stringify with every character past ASCII written as a \u escape (surrogate pairs as
 * two), so the text is the same in every ASCII-compatible encoding. One non-ASCII path in a
 * layer would otherwise make the whole cached text a two-byte string when read back.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
