import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Analyzer, type LayerAnalysis, readBoundedFileSync } from "@bulwark/model";

/** Bump when the cached shape changes. 2: the file is ASCII (asciiJson). */
const SCHEMA = 2;

type Stored = Pick<LayerAnalysis, "results" | "whiteouts" | "opaqueDirs" | "paths" | "issues">;

interface CacheFile extends Stored {
  schema: number;
  diffId: string;
  analyzers: string[];
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

function isStored(value: unknown, diffId: string, key: string[]): value is CacheFile {
  const v = value as Partial<CacheFile> | null;
  return (
    !!v &&
    v.schema === SCHEMA &&
    v.diffId === diffId &&
    Array.isArray(v.analyzers) &&
    v.analyzers.join("\n") === key.join("\n") &&
    [v.results, v.whiteouts, v.opaqueDirs, v.paths, v.issues].every(Array.isArray)
  );
}

/** Cached results for this layer and analyzer set, or undefined (missing or corrupt: both mean "walk it"). */
export async function readLayerCache(
  cacheDir: string,
  diffId: string,
  analyzers: readonly Analyzer[],
): Promise<Stored | undefined> {
  let text: string;
  try {
    // A FIFO or device planted in the cache must not hang the scan: it is a miss. The file is
    // ASCII (asciiJson), so latin1 decodes it exactly, into a one-byte string, without UTF-8
    // validation; a file that is not ASCII is not ours and fails isStored or JSON.parse.
    text = readBoundedFileSync(
      layerCachePath(cacheDir, diffId, analyzers),
      "layer cache",
      "LAYER_CACHE_BYTES",
    ).toString("latin1");
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isStored(value, diffId, analyzerKey(analyzers))) return undefined;
    const { results, whiteouts, opaqueDirs, paths, issues } = value;
    return { results, whiteouts, opaqueDirs, paths, issues };
  } catch {
    return undefined;
  }
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
  const body: CacheFile = { schema: SCHEMA, diffId, analyzers: analyzerKey(analyzers), ...content };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, asciiJson(body), { mode: 0o600 });
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
