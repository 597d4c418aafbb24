import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { BulwarkError, type Image, readBoundedFileSync } from "@bulwark/model";
import { BLOB_READ_CHUNK, openVerified, readSmallBlob, type BlobStore } from "./blobstore.js";
import { buildLayers, parseConfig, parseManifest, selectPlatform, type Descriptor } from "./manifest.js";
import type { Platform } from "./platform.js";

const REF_NAME = "org.opencontainers.image.ref.name";

function blobPath(digest: string): string {
  const [alg, hex] = digest.split(":");
  return `blobs/${alg}/${hex}`;
}

/** Blobs of an OCI image layout directory. */
export function dirBlobStore(dir: string): BlobStore {
  return {
    where: dir,
    async size(digest) {
      try {
        const s = await stat(join(dir, blobPath(digest)));
        return s.isFile() ? s.size : undefined;
      } catch {
        return undefined;
      }
    },
    async stream(digest) {
      return createReadStream(join(dir, blobPath(digest)), { highWaterMark: BLOB_READ_CHUNK });
    },
    async readFile(name) {
      try {
        return readBoundedFileSync(join(dir, name), "OCI layout file", "IMAGE_JSON_BYTES");
      } catch (e) {
        // Missing is the caller's to report; a FIFO, a device or an oversized file is an error.
        if (e instanceof BulwarkError && e.code !== "IO") throw e;
        return undefined;
      }
    },
  };
}

/** Blob path used inside layouts and docker-archives of the OCI flavour. */
export { blobPath };

function refMatches(d: Descriptor, tag: string): boolean {
  const ref = d.annotations?.[REF_NAME];
  // skopeo writes the bare tag; some tools write a full name ending in ":tag".
  return ref === tag || (ref !== undefined && ref.endsWith(`:${tag}`));
}

/** Choose the entry of index.json the user means. */
function chooseEntry(entries: Descriptor[], tag: string | undefined, what: string): Descriptor[] {
  if (tag !== undefined) {
    const hits = entries.filter((d) => refMatches(d, tag));
    if (hits.length === 0) {
      const names = entries.map((d) => d.annotations?.[REF_NAME]).filter(Boolean);
      throw new BulwarkError(
        "MANIFEST_MISSING",
        `${what}: no image tagged ${JSON.stringify(tag)} (tags: ${names.join(", ") || "none"})`,
      );
    }
    return hits;
  }
  // Several tagged images and no platform data to choose by: make the user name one.
  if (entries.length > 1 && entries.every((d) => !d.platform)) {
    const names = entries.map((d) => d.annotations?.[REF_NAME] ?? d.digest);
    throw new BulwarkError(
      "TARGET_UNKNOWN",
      `${what} holds ${entries.length} images; name one with :TAG (tags: ${names.join(", ")})`,
    );
  }
  return entries;
}

async function resolveDescriptor(
  store: BlobStore,
  entries: Descriptor[],
  platform: Platform,
  what: string,
): Promise<{ desc: Descriptor; data: Buffer }> {
  let candidates = entries;
  for (let depth = 0; depth < 4; depth++) {
    if (candidates.length === 0) throw new BulwarkError("MANIFEST_MISSING", `${what}: index lists no images`);
    let desc: Descriptor;
    if (candidates.length === 1) desc = candidates[0] as Descriptor;
    else desc = selectPlatform({ kind: "index", manifests: candidates }, platform, what);
    const data = await readSmallBlob(store, desc.digest, `${what} manifest`);
    const parsed = parseManifest(data, `${what} manifest ${desc.digest}`, desc.mediaType);
    if (parsed.kind === "manifest") return { desc, data };
    // A nested index (e.g. skopeo --all): pick by platform inside it.
    candidates = [selectPlatform(parsed, platform, what)];
  }
  throw new BulwarkError("MANIFEST_INVALID", `${what}: indexes nested too deeply`);
}

/** Open the image in an OCI layout (a directory or an unpacked view of an oci-archive). */
export async function openLayout(
  store: BlobStore,
  opts: {
    name: string;
    source: Image["source"];
    tag?: string;
    platform: Platform;
    close?: () => Promise<void>;
  },
): Promise<Image> {
  const what = store.where;
  const indexData = await store.readFile("index.json");
  if (!indexData)
    throw new BulwarkError("MANIFEST_MISSING", `${what}: no index.json (not an OCI image layout)`);
  const index = parseManifest(indexData, `${what}/index.json`, undefined);
  if (index.kind !== "index")
    throw new BulwarkError("MANIFEST_INVALID", `${what}/index.json is not an image index`);
  const entries = chooseEntry(index.manifests, opts.tag, what);
  const { desc, data } = await resolveDescriptor(store, entries, opts.platform, what);
  const manifest = parseManifest(data, `${what} manifest`, desc.mediaType);
  if (manifest.kind !== "manifest")
    throw new BulwarkError("MANIFEST_INVALID", `${what}: expected an image manifest`);
  const config = parseConfig(
    await readSmallBlob(store, manifest.config.digest, `${what} config`),
    `${what} config`,
  );
  const layers = buildLayers(
    manifest.layers.map((l) => ({
      digest: l.digest,
      mediaType: l.mediaType,
      size: l.size,
      open: () => openVerified(store, l.digest, `${what}: layer`),
    })),
    config,
    what,
  );
  const ref = entries.length === 1 ? entries[0]?.annotations?.[REF_NAME] : opts.tag;
  return {
    name: opts.name,
    source: opts.source,
    digest: desc.digest,
    repoTags: ref ? [ref] : [],
    repoDigests: [],
    config,
    configDigest: manifest.config.digest,
    layers,
    close: opts.close ?? (async () => {}),
  };
}
