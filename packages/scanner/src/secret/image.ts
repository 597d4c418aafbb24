import type { Analyzer, AnalyzerOutput, ImageScanInput, LayerAnalysis } from "@bulwark/model";
import type { SecretContext } from "./config.js";
import { scanContent } from "./content.js";
import { imagePathSkip, looksBinary } from "./noise.js";
import type { SecretHit } from "./types.js";

export const SECRET_ANALYZER = "secret";
/** Bump when what the analyzer emits for the same file changes. */
// 2: hits moved from the untyped `facts` field to `secretHits` (cached layer results change shape).
const ANALYZER_VERSION = 3;
/** Files bigger than this in an image layer are not read (the layer streams; the file would sit in memory). */
export const IMAGE_MAX_FILE_BYTES = 32 * 1024 * 1024;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/**
 * The analyzer that runs during the image walk: every text file of every layer is
 * scanned as it streams past. Facts carry the secret's hash, never the secret,
 * because they are persisted in the layer cache.
 */
export function secretAnalyzer(ctx: SecretContext, includeNoise: boolean): Analyzer {
  return {
    name: SECRET_ANALYZER,
    // The rule set is part of the version: changing rules must not reuse old layer results.
    version: ANALYZER_VERSION * 1_000_000_000 + parseInt(ctx.ruleSetHash.slice(0, 7), 16),
    maxBytes: IMAGE_MAX_FILE_BYTES,
    wants(path, info) {
      const type = info.mode & S_IFMT;
      if (type !== 0 && type !== S_IFREG) return false;
      if (info.size === 0) return false;
      return imagePathSkip(path, includeNoise) === undefined;
    },
    async analyze(file): Promise<AnalyzerOutput | undefined> {
      const buf = await file.read();
      if (looksBinary(buf)) return undefined;
      const hits = scanContent(ctx, file.path, buf.toString("latin1"), buf);
      return hits.length ? { secretHits: hits } : undefined;
    },
  };
}

export interface ImageHit {
  file: string;
  hit: SecretHit;
  layer?: string;
  removedIn?: string;
}

/** A layer's digest; undefined for a root filesystem target, which has no layers. */
function layerId(layer: LayerAnalysis): string | undefined {
  return layer.digest ?? layer.diffId;
}

/** The first later layer that deletes PATH (whiteout, opaque parent) or writes over it. */
export function removedIn(layers: LayerAnalysis[], from: number, path: string): LayerAnalysis | undefined {
  for (let j = from + 1; j < layers.length; j++) {
    const layer = layers[j]!;
    const under = (dir: string): boolean => path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
    if (layer.whiteouts.some((w) => w === path || under(w))) return layer;
    if (layer.opaqueDirs.some(under)) return layer;
    if (layer.paths.includes(path)) return layer;
  }
  return undefined;
}

/** Hits from every layer, each with the layer it ships in and, if any, the layer that hides it. */
export function imageLayerHits(input: ImageScanInput): ImageHit[] {
  const out: ImageHit[] = [];
  input.layers.forEach((layer, i) => {
    for (const result of layer.results) {
      if (result.analyzer !== SECRET_ANALYZER) continue;
      const hidden = removedIn(input.layers, i, result.path);
      for (const found of result.output.secretHits ?? []) {
        const hit: ImageHit = { file: result.path, hit: found };
        const id = layerId(layer);
        if (id) hit.layer = id;
        const gone = hidden && layerId(hidden);
        if (gone) hit.removedIn = gone;
        out.push(hit);
      }
    }
  });
  return out;
}

/** ENV of the image config and the history's `created_by` lines (where build arguments show). */
export function imageConfigHits(ctx: SecretContext, input: ImageScanInput): ImageHit[] {
  const out: ImageHit[] = [];
  const env = input.image.config.config?.Env ?? [];
  env.forEach((entry, i) => {
    for (const hit of ctx.engine.scanText("image-config:Env", entry))
      out.push({ file: "image-config:Env", hit: { ...hit, line: i + 1 } });
  });
  const history = input.image.config.history ?? [];
  let layerIndex = 0;
  history.forEach((h, i) => {
    const layer = h.empty_layer ? undefined : input.layers[layerIndex++];
    if (!h.created_by) return;
    for (const hit of ctx.engine.scanText("image-config:history", h.created_by)) {
      const item: ImageHit = { file: "image-config:history", hit: { ...hit, line: i + 1 } };
      const id = layer && layerId(layer);
      if (id) item.layer = id;
      out.push(item);
    }
  });
  return out;
}
