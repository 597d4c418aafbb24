import type { Readable } from "node:stream";
import { extract as tarExtract, type Header as Headers } from "tar-stream";
import type { Analyzer } from "../analyzer/types.js";
import { BulwarkError, errorMessage } from "../errors.js";
import type { LayerAnalysis } from "../scan/types.js";
import { interested, offerFile, SharedContent, type FileMeta } from "./offer.js";
import { normaliseEntryPath, resolveSymlinkTarget, whiteoutOf } from "./paths.js";

export type LayerContent = Pick<LayerAnalysis, "results" | "whiteouts" | "opaqueDirs" | "paths" | "issues">;

const S_IFREG = 0o100000;

/** The parts of a tar-stream (streamx) entry the walker uses. */
interface EntryStream {
  on(event: "data", fn: (chunk: Buffer) => void): unknown;
  on(event: "end", fn: () => void): unknown;
  on(event: "error", fn: (e: Error) => void): unknown;
  resume(): unknown;
}

/** Collect an entry's bytes (only ever for a file some analyzer wants). */
function bufferEntry(entry: EntryStream, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    entry.on("data", (chunk: Buffer) => {
      chunk.copy(buf, at);
      at += chunk.length;
    });
    entry.on("error", reject);
    entry.on("end", () =>
      at === size ? resolve(buf) : reject(new Error(`short entry: ${at} of ${size} bytes`)),
    );
  });
}

function drain(entry: EntryStream): Promise<void> {
  return new Promise((resolve, reject) => {
    entry.on("end", resolve);
    entry.on("error", reject);
    entry.resume();
  });
}

function checkLink(header: Headers, path: string, layer: string): void {
  const target = header.linkname ?? "";
  if (header.type === "symlink") resolveSymlinkTarget(path, target, layer);
  // A hard link names another entry of the archive, relative to the root.
  if (header.type === "link") normaliseEntryPath(target.replace(/^\/+/, ""), layer);
}

async function handleEntry(
  header: Headers,
  entry: EntryStream,
  analyzers: Analyzer[],
  layer: string,
  out: LayerContent,
): Promise<void> {
  const path = normaliseEntryPath(header.name, layer);
  const wh = whiteoutOf(path);
  if (wh?.kind === "whiteout") out.whiteouts.push(wh.path);
  else if (wh?.kind === "opaque") out.opaqueDirs.push(wh.dir);
  else if (!wh && path !== "/") out.paths.push(path);
  checkLink(header, path, layer);
  const regular = header.type === "file" || header.type === "contiguous-file";
  if (wh || !regular) return drain(entry);
  const meta: FileMeta = {
    size: header.size ?? 0,
    mode: S_IFREG | ((header.mode ?? 0) & 0o7777),
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
  };
  const wanting = interested(analyzers, path, meta);
  if (wanting.length === 0) return drain(entry);
  const content = new SharedContent(() => bufferEntry(entry, meta.size));
  await offerFile(wanting, path, meta, content, layer, out);
  if (!content.started) await drain(entry);
}

function corrupt(e: unknown, layer: string): BulwarkError {
  if (e instanceof BulwarkError) return e;
  return new BulwarkError(
    "LAYER_CORRUPT",
    `layer ${layer} is corrupt or truncated: ${errorMessage(e)}`,
    undefined,
    { cause: e },
  );
}

/** Walk one layer's tar stream, offering wanted files to the analyzers. */
export async function walkTar(tar: Readable, analyzers: Analyzer[], layer: string): Promise<LayerContent> {
  const out: LayerContent = { results: [], whiteouts: [], opaqueDirs: [], paths: [], issues: [] };
  const extract = tarExtract();
  tar.on("error", (e) => extract.destroy(corrupt(e, layer)));
  const ended = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  ended.catch(() => {});
  tar.pipe(extract);
  try {
    for await (const entry of extract) {
      await handleEntry(entry.header, entry as unknown as EntryStream, analyzers, layer, out);
    }
    await ended;
  } catch (e) {
    extract.destroy();
    tar.destroy();
    throw corrupt(e, layer);
  }
  return out;
}
