import type { Readable } from "node:stream";
import {
  type Analyzer,
  BulwarkError,
  errorMessage,
  type Image,
  type Layer,
  type LayerAnalysis,
} from "@bulwark/model";
import { readLayerCache, writeLayerCache } from "../cache/layers.js";
import { defaultLimits, openLayerTar, type LayerLimits } from "./decompress.js";
import { walkRootfs } from "./rootfs.js";
import { walkTar, type LayerContent } from "./tarlayer.js";

export interface WalkOptions {
  cacheDir: string;
  progress?: (msg: string) => void;
  /** Neither read nor write the per-layer cache. */
  noCache?: boolean;
  /** Decompression-bomb limits; default from defaultLimits() (env overridable). */
  limits?: Partial<LayerLimits>;
  /** Layers walked at the same time (downloads overlap); default 2. Results keep layer order. */
  concurrency?: number;
}

/** How a layer is named in messages and FileIssues: its blob digest, else its diffID. */
export function layerLabel(layer: Layer, index: number): string {
  return layer.digest ?? layer.diffId ?? `#${index + 1}`;
}

function withLayer(content: LayerContent, layer: Layer, index: number): LayerAnalysis {
  // Copied by descriptor, not spread: a cached layer's `paths` is parsed when first read.
  const analysis = Object.defineProperties(
    { index },
    Object.getOwnPropertyDescriptors(content),
  ) as LayerAnalysis;
  if (layer.digest) analysis.digest = layer.digest;
  if (layer.diffId) analysis.diffId = layer.diffId;
  if (layer.createdBy !== undefined) analysis.createdBy = layer.createdBy;
  const label = layerLabel(layer, index);
  // Cached issues may have been recorded under another blob digest of the same diffID.
  analysis.issues = content.issues.map((i) => ({ ...i, layer: label }));
  return analysis;
}

/** Shared by the layers of one walk: the first failure and the streams still open. */
interface WalkRun {
  failure?: unknown;
  active: Set<Readable>;
}

async function walkLayer(
  layer: Layer,
  index: number,
  analyzers: readonly Analyzer[],
  limits: LayerLimits,
  run: WalkRun,
): Promise<LayerContent> {
  const label = layerLabel(layer, index);
  let raw;
  try {
    raw = await layer.open();
  } catch (e) {
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError(
      "LAYER_CORRUPT",
      `layer ${label} cannot be opened: ${errorMessage(e)}`,
      undefined,
      { cause: e },
    );
  }
  if (run.failure !== undefined) {
    raw.destroy();
    throw run.failure;
  }
  run.active.add(raw);
  try {
    return await walkOpened(raw, layer, analyzers, limits, label);
  } finally {
    run.active.delete(raw);
  }
}

async function walkOpened(
  raw: Readable,
  layer: Layer,
  analyzers: readonly Analyzer[],
  limits: LayerLimits,
  label: string,
): Promise<LayerContent> {
  let opened;
  try {
    opened = await openLayerTar(raw, limits, label);
  } catch (e) {
    raw.destroy();
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError("LAYER_CORRUPT", `layer ${label} cannot be read: ${errorMessage(e)}`, undefined, {
      cause: e,
    });
  }
  const { tar, guard } = opened;
  const content = await walkTar(tar, analyzers, label);
  if (layer.diffId) {
    const got = guard.diffId();
    if (got !== layer.diffId) {
      throw new BulwarkError(
        "DIGEST_MISMATCH",
        `layer ${label}: uncompressed content hashes to ${got}, but the config says diffID ${layer.diffId}`,
      );
    }
  }
  return content;
}

async function cached(
  layer: Layer,
  analyzers: readonly Analyzer[],
  opts: WalkOptions,
): Promise<LayerContent | undefined> {
  if (opts.noCache || !layer.diffId) return undefined;
  return readLayerCache(opts.cacheDir, layer.diffId, analyzers);
}

async function remember(
  layer: Layer,
  analyzers: readonly Analyzer[],
  content: LayerContent,
  opts: WalkOptions,
): Promise<void> {
  if (opts.noCache || !layer.diffId) return;
  try {
    await writeLayerCache(opts.cacheDir, layer.diffId, analyzers, content);
  } catch (e) {
    // A read-only or full cache dir costs speed next time, not this scan.
    opts.progress?.(`layer cache not written: ${errorMessage(e)}`);
  }
}

/**
 * Walk every layer once, base first, offering files to the analyzers. Layers whose
 * results are cached (same diffID, same analyzer versions) are not opened at all.
 */
export async function walkImage(
  image: Image,
  analyzers: readonly Analyzer[],
  opts: WalkOptions,
): Promise<LayerAnalysis[]> {
  if (image.rootDir) {
    opts.progress?.(`walking ${image.rootDir}`);
    const content = await walkRootfs(image.rootDir, analyzers);
    return [{ index: 0, ...content }];
  }
  const limits = { ...defaultLimits(), ...opts.limits };
  const total = image.layers.length;
  const out: LayerAnalysis[] = new Array<LayerAnalysis>(total);
  const run: WalkRun = { active: new Set() };
  let next = 0;
  // A small pool: each worker takes the next layer. The first failure is what the
  // caller sees; it stops new layers and cuts the streams of layers still running.
  const worker = async () => {
    while (run.failure === undefined && next < total) {
      const index = next++;
      const layer = image.layers[index] as Layer;
      try {
        out[index] = await analyseLayer(layer, index, total, analyzers, limits, opts, run);
      } catch (e) {
        if (run.failure === undefined) {
          run.failure = e;
          for (const stream of run.active) stream.destroy(new Error("walk aborted: another layer failed"));
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? 2, total));
  await Promise.all(Array.from({ length: workers }, worker));
  if (run.failure !== undefined) throw run.failure;
  return out;
}

async function analyseLayer(
  layer: Layer,
  index: number,
  total: number,
  analyzers: readonly Analyzer[],
  limits: LayerLimits,
  opts: WalkOptions,
  run: WalkRun,
): Promise<LayerAnalysis> {
  const where = `layer ${index + 1}/${total} ${layerLabel(layer, index)}`;
  let content = await cached(layer, analyzers, opts);
  if (content) opts.progress?.(`${where}: cached`);
  else {
    opts.progress?.(`${where}: analysing${layer.size ? ` (${layer.size} bytes)` : ""}`);
    content = await walkLayer(layer, index, analyzers, limits, run);
    await remember(layer, analyzers, content, opts);
  }
  return withLayer(content, layer, index);
}
