import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { type Analyzer, type LayerAnalysis } from "@bulwark/model";
import { type HeadFirst, readHeadFirst } from "./head-first.js";
import { asciiJson, parseStringArray } from "./json.js";
import { type PackedIndex, packOwnedLists, unpackOwnedLists } from "./owned-lists.js";

/**
 * Bump when the cached shape changes. 2: the file is ASCII (asciiJson). 3: the layer's paths
 * are a second line, parsed only when first asked for. 4: the head holds the CRC-32 of that
 * line, so a damaged list is a miss when the file is read, not a failure when it is parsed.
 * 5: the OS packages' owned-file lists are a third line (owned-lists.ts), and the CRC-32
 * covers both lines. 6: one index of the listed files' hashes for the layer, not one per list.
 */
const SCHEMA = 6;

type Stored = Pick<LayerAnalysis, "results" | "whiteouts" | "opaqueDirs" | "paths" | "issues">;

/**
 * The first line of a cache file. The second is the JSON array of the layer's paths, the third
 * that of the owned-file lists its results refer to.
 */
interface CacheHead extends Omit<Stored, "paths"> {
  schema: number;
  diffId: string;
  analyzers: string[];
  /** CRC-32 of everything after the head: checked on every read, which costs far less than parsing it. */
  tailCrc32: number;
  /** Which owned-file lists hold which file hashes (owned-lists.ts). */
  ownedIndex: PackedIndex;
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
    typeof v.tailCrc32 === "number" &&
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
  let read: HeadFirst;
  try {
    read = readHeadFirst(file, "layer cache", "LAYER_CACHE_BYTES");
  } catch {
    return undefined;
  }
  // JSON.stringify writes no raw newline: after the head come exactly the paths and the lists.
  if (read.lines.length !== 2) return undefined;
  const [pathsAt, ownedAt] = read.lines as [Span, Span];
  try {
    // The file is ASCII (asciiJson), so latin1 decodes it exactly, into a one-byte string,
    // without UTF-8 validation; a file that is not ASCII is not ours and fails a check below.
    const value: unknown = JSON.parse(read.head.toString("latin1"));
    if (!isStored(value, diffId, analyzerKey(analyzers))) return undefined;
    // Damage after the head is found here, while a miss is still possible.
    if (read.tailCrc32 !== value.tailCrc32) return undefined;
    const { results, whiteouts, opaqueDirs, issues } = value;
    const owned = {
      length: ownedAt[1] - ownedAt[0],
      read: (s: number, e: number) => read.range(ownedAt[0] + s, ownedAt[0] + e),
    };
    if (!unpackOwnedLists(results, owned, value.ownedIndex, file)) return undefined;
    return withLazyPaths({ results, whiteouts, opaqueDirs }, () => read.range(...pathsAt), issues, file);
  } catch {
    return undefined;
  }
}

type Span = [number, number];

/**
 * The stored content with `paths` read and parsed on first use. Only a layer with layers above
 * it is asked for its paths (and only while some file it holds is judged), so a one-layer
 * image's warm scan never reads or parses the list: tens of thousands of strings, half the file.
 * Copy the property by its descriptor (as walk.ts's withLayer does), not by spreading.
 */
function withLazyPaths(
  head: Omit<Stored, "paths" | "issues">,
  pathsLine: () => Buffer,
  issues: Stored["issues"],
  file: string,
): Stored {
  let paths: string[] | undefined;
  const stored = Object.defineProperty(head, "paths", {
    enumerable: true,
    configurable: true,
    get: () => (paths ??= parseStringArray(pathsLine(), file, "its path list")),
  }) as Stored;
  stored.issues = issues;
  return stored;
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
  const { paths, results, ...rest } = content;
  const owned = packOwnedLists(results);
  const tail = Buffer.from(`${asciiJson(paths)}\n${owned.section}`, "latin1");
  // As CacheHead, but with the owned-file lists packed (owned-lists.ts).
  const head: Omit<CacheHead, "results"> & { results: unknown[] } = {
    schema: SCHEMA,
    diffId,
    analyzers: analyzerKey(analyzers),
    tailCrc32: crc32(tail),
    results: owned.results,
    ownedIndex: owned.index,
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
