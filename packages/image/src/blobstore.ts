import type { Readable } from "node:stream";
import { BulwarkError } from "@bulwark/model";
import { DigestVerifier, verifyBuffer } from "./digest.js";

/** Read size for local layer blobs: fewer, larger chunks cost less per byte. */
export const BLOB_READ_CHUNK = 1024 * 1024;

/** Manifests and configs are small; a huge one is hostile or broken. */
export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/** Content-addressed blobs in an OCI layout directory or archive. */
export interface BlobStore {
  /** Where the blobs live, for messages. */
  readonly where: string;
  /** Byte size, or undefined when the blob is absent. */
  size(digest: string): Promise<number | undefined>;
  /** The raw blob; callers verify. */
  stream(digest: string): Promise<Readable>;
  /** A file inside the layout root that is not a blob (index.json, oci-layout, manifest.json). */
  readFile(name: string): Promise<Buffer | undefined>;
}

async function collect(stream: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      stream.destroy();
      throw new BulwarkError("MANIFEST_INVALID", `${what}: larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function requireBlob(store: BlobStore, digest: string, what: string): Promise<number> {
  const size = await store.size(digest);
  if (size === undefined) {
    throw new BulwarkError("MANIFEST_MISSING", `${what} ${digest} is missing from ${store.where}`);
  }
  return size;
}

/** Read a small blob (manifest, config) whole and verify its digest. */
export async function readSmallBlob(store: BlobStore, digest: string, what: string): Promise<Buffer> {
  await requireBlob(store, digest, what);
  const data = await collect(await store.stream(digest), MAX_METADATA_BYTES, `${what} ${digest}`);
  return verifyBuffer(data, digest, `${what} in ${store.where}`);
}

/** Open a layer blob as a stream that errors with DIGEST_MISMATCH if its bytes are not `digest`. */
export async function openVerified(store: BlobStore, digest: string, what: string): Promise<Readable> {
  await requireBlob(store, digest, what);
  const raw = await store.stream(digest);
  const verifier = new DigestVerifier(digest, `${what} ${digest}`);
  raw.on("error", (e) => verifier.destroy(e));
  return raw.pipe(verifier);
}

export { collect as collectStream };
