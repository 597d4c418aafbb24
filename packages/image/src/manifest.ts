import type { Readable } from "node:stream";
import { BulwarkError, type ImageConfig, type Layer } from "@bulwark/model";
import { assertDigest } from "./digest.js";
import { MediaType, isIndexMediaType } from "./mediatypes.js";
import { formatPlatform, platformMatches, type Platform } from "./platform.js";

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform>;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  kind: "manifest";
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  kind: "index";
  mediaType?: string;
  manifests: Descriptor[];
}

function parseJson(data: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString("utf8"));
  } catch {
    throw new BulwarkError("MANIFEST_INVALID", `${what}: not valid JSON`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new BulwarkError("MANIFEST_INVALID", `${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function descriptor(value: unknown, what: string): Descriptor {
  const d = value as Descriptor | undefined;
  if (!d || typeof d !== "object" || typeof d.digest !== "string") {
    throw new BulwarkError("MANIFEST_INVALID", `${what}: descriptor without a digest`);
  }
  assertDigest(d.digest, what);
  return d;
}

/** Parse an image manifest or an index / manifest list, whatever the media type says. */
export function parseManifest(
  data: Buffer,
  what: string,
  headerMediaType?: string,
): ImageManifest | ImageIndex {
  const json = parseJson(data, what);
  const mediaType = (json.mediaType as string | undefined) ?? headerMediaType;
  if (
    json.schemaVersion === 1 ||
    mediaType === MediaType.dockerSchema1 ||
    mediaType === MediaType.dockerSchema1Signed
  ) {
    throw new BulwarkError("MANIFEST_INVALID", `${what}: Docker schema 1 manifests are not supported`);
  }
  if (Array.isArray(json.manifests) || isIndexMediaType(mediaType)) {
    if (!Array.isArray(json.manifests))
      throw new BulwarkError("MANIFEST_INVALID", `${what}: index without manifests`);
    return { kind: "index", mediaType, manifests: json.manifests.map((m) => descriptor(m, what)) };
  }
  if (!Array.isArray(json.layers) || !json.config) {
    throw new BulwarkError("MANIFEST_INVALID", `${what}: neither an image manifest nor an index`);
  }
  return {
    kind: "manifest",
    mediaType,
    config: descriptor(json.config, what),
    layers: json.layers.map((l) => descriptor(l, what)),
  };
}

/** Pick the manifest for `want` from an index (attestation entries have platform unknown/unknown). */
export function selectPlatform(index: ImageIndex, want: Platform, what: string): Descriptor {
  const match = index.manifests.find((m) => platformMatches(want, m.platform));
  if (match) return match;
  const have = index.manifests
    .map((m) => formatPlatform(m.platform))
    .filter((p) => p !== "unknown/unknown")
    .join(", ");
  throw new BulwarkError(
    "PLATFORM_NOT_FOUND",
    `${what}: no image for platform ${formatPlatform(want)} (available: ${have || "none"})`,
  );
}

export function parseConfig(data: Buffer, what: string): ImageConfig {
  const json = parseJson(data, what) as ImageConfig;
  if (json.rootfs && !Array.isArray(json.rootfs.diff_ids)) {
    throw new BulwarkError("MANIFEST_INVALID", `${what}: rootfs.diff_ids is not a list`);
  }
  return json;
}

/** `created_by` of each history step that made a layer, in layer order. */
export function layerHistory(config: ImageConfig): Array<string | undefined> {
  return (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by);
}

export interface LayerSource {
  digest?: string;
  mediaType?: string;
  size?: number;
  open(): Promise<Readable>;
}

/** Attach diffIDs and history lines from the config to the layer blobs, checking the counts agree. */
export function buildLayers(sources: LayerSource[], config: ImageConfig, what: string): Layer[] {
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== sources.length) {
    throw new BulwarkError(
      "MANIFEST_INVALID",
      `${what}: manifest lists ${sources.length} layers but the config has ${diffIds.length} diff_ids`,
    );
  }
  const history = layerHistory(config);
  return sources.map((s, i) => {
    const diffId = assertDigest(diffIds[i] ?? "", `${what} diff_id`);
    const layer: Layer = { diffId, open: s.open };
    if (s.digest) layer.digest = s.digest;
    if (s.mediaType) layer.mediaType = s.mediaType;
    if (s.size !== undefined) layer.size = s.size;
    const createdBy = history[i];
    if (createdBy !== undefined) layer.createdBy = createdBy;
    return layer;
  });
}
