import { createReadStream, createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { BulwarkError, errorMessage, makeTempDir, spoolBudget, type Image } from "@bulwark/model";
import {
  collectStream,
  MAX_METADATA_BYTES,
  openVerified,
  type BlobStore,
  BLOB_READ_CHUNK,
} from "./blobstore.js";
import { verifyBuffer } from "./digest.js";
import { blobPath, openLayout } from "./layout.js";
import { buildLayers, parseConfig } from "./manifest.js";
import type { Platform } from "./platform.js";
import { indexTar, type TarMember } from "./tarindex.js";

/** One member's bytes, read in place; big reads because layers are big. */
function memberStream(file: string, m: TarMember) {
  if (m.size === 0) return createReadStream(file, { start: 1, end: 0 });
  return createReadStream(file, {
    start: m.offset,
    end: m.offset + m.size - 1,
    highWaterMark: BLOB_READ_CHUNK,
  });
}

/** Blobs read in place from an uncompressed tar archive. */
export function tarBlobStore(file: string, members: Map<string, TarMember>): BlobStore {
  const streamMember = (name: string) => {
    const m = members.get(name);
    if (!m) throw new BulwarkError("MANIFEST_MISSING", `${file}: member ${name} is missing`);
    return memberStream(file, m);
  };
  return {
    where: file,
    async size(digest) {
      return members.get(blobPath(digest))?.size;
    },
    async stream(digest) {
      return streamMember(blobPath(digest));
    },
    async readFile(name) {
      if (!members.has(name)) return undefined;
      return collectStream(streamMember(name), MAX_METADATA_BYTES, `${file}: ${name}`);
    },
  };
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(2);
    await fh.read(buf, 0, 2, 0);
    return buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * A gzip-compressed archive (`docker save | gzip`) cannot be read in place; it is
 * decompressed once into a private temp dir under the cache dir and removed on close.
 */
async function plainTar(
  file: string,
  cacheDir: string,
): Promise<{ tar: string; cleanup: () => Promise<void> }> {
  if (!(await isGzip(file))) return { tar: file, cleanup: async () => {} };
  const dir = await makeTempDir(cacheDir, "archive");
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const tar = join(dir, "image.tar");
  const budget = spoolBudget(dir);
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      byteBound(budget, file, dir),
      createWriteStream(tar, { mode: 0o600 }),
    );
  } catch (e) {
    await cleanup();
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError(
      "TARGET_UNKNOWN",
      `${file}: corrupt gzip archive (${errorMessage(e)})`,
      undefined,
      { cause: e },
    );
  }
  return { tar, cleanup };
}

async function indexArchive(file: string, cacheDir: string) {
  const { tar, cleanup } = await plainTar(file, cacheDir);
  try {
    return { tar, cleanup, members: await indexTar(tar) };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

interface DockerManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

/** sha256 named by a member path: "blobs/sha256/HEX" or "HEX.json" / "HEX.tar". */
function digestFromName(name: string): string | undefined {
  const m = /(?:^|\/)(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(name);
  return m ? `sha256:${m[1]}` : undefined;
}

async function readDockerManifest(store: BlobStore, file: string): Promise<DockerManifestEntry> {
  const data = await store.readFile("manifest.json");
  if (!data)
    throw new BulwarkError("MANIFEST_MISSING", `${file}: no manifest.json (not a docker save archive)`);
  let entries: unknown;
  try {
    entries = JSON.parse(data.toString("utf8"));
  } catch {
    throw new BulwarkError("MANIFEST_INVALID", `${file}: manifest.json is not valid JSON`);
  }
  const first = Array.isArray(entries) ? (entries[0] as DockerManifestEntry | undefined) : undefined;
  if (!first || typeof first.Config !== "string" || !Array.isArray(first.Layers)) {
    throw new BulwarkError("MANIFEST_INVALID", `${file}: manifest.json lists no image`);
  }
  return first;
}

async function openDockerTar(
  file: string,
  tar: string,
  members: Map<string, TarMember>,
  name: string,
  close: () => Promise<void>,
): Promise<Image> {
  const store = tarBlobStore(tar, members);
  const entry = await readDockerManifest(store, file);
  const configName = entry.Config as string;
  const configData = await store.readFile(configName);
  if (!configData) throw new BulwarkError("MANIFEST_MISSING", `${file}: config ${configName} is missing`);
  const configDigest = digestFromName(configName);
  if (configDigest) verifyBuffer(configData, configDigest, `${file}: config`);
  const config = parseConfig(configData, `${file}: config`);
  const layers = buildLayers(
    (entry.Layers ?? []).map((layerName) => {
      if (!members.has(layerName))
        throw new BulwarkError("MANIFEST_MISSING", `${file}: layer ${layerName} is missing`);
      // Only "blobs/sha256/…" members are named by their blob digest; legacy
      // "<id>/layer.tar" members are verified by the walker against the diffID.
      const blob = layerName.startsWith("blobs/") ? digestFromName(layerName) : undefined;
      const open = blob
        ? () => openVerified(store, blob, `${file}: layer`)
        : async () => {
            return memberStream(tar, members.get(layerName) as TarMember);
          };
      return { digest: blob, size: members.get(layerName)?.size, open };
    }),
    config,
    file,
  );
  return {
    name,
    source: "docker-archive",
    repoTags: entry.RepoTags ?? [],
    repoDigests: [],
    config,
    configDigest: configDigest ?? undefined,
    layers,
    close,
  };
}

export type ArchiveKind = "docker-archive" | "oci-archive";

/**
 * Open a docker-save or OCI archive. With no `kind` the contents decide: manifest.json
 * means docker-archive (Docker 25+ writes both files; its manifest.json carries the tags).
 */
export async function openArchive(
  file: string,
  opts: { kind?: ArchiveKind; name: string; tag?: string; platform: Platform; cacheDir: string },
): Promise<Image> {
  const { tar, cleanup, members } = await indexArchive(file, opts.cacheDir);
  try {
    const kind =
      opts.kind ??
      (members.has("manifest.json")
        ? "docker-archive"
        : members.has("oci-layout") || members.has("index.json")
          ? "oci-archive"
          : undefined);
    if (kind === "docker-archive") return await openDockerTar(file, tar, members, opts.name, cleanup);
    if (kind === "oci-archive") {
      return await openLayout(tarBlobStore(tar, members), { ...opts, source: "oci-archive", close: cleanup });
    }
    throw new BulwarkError(
      "TARGET_UNKNOWN",
      `${file}: a tar archive but neither docker save output nor an OCI archive`,
    );
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Stops a spool at `budget` bytes with a clear error, before it can fill the disk. */
function byteBound(budget: number, file: string, dir: string): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      if (total > budget)
        return cb(
          new BulwarkError(
            "FILE_TOO_LARGE",
            `${file}: decompressing it needs more than ${budget} bytes in ${dir} (free space less 1 GiB, or BULWARK_MAX_SPOOL_BYTES)`,
          ),
        );
      cb(null, chunk);
    },
  });
}
