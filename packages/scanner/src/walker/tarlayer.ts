import type { Readable } from "node:stream";
import { extract as tarExtract, type Header as Headers } from "tar-stream";
import { type Analyzer, BulwarkError, errorMessage, type LayerAnalysis } from "@bulwark/model";
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

/**
 * Bytes of wanted files kept until the layer ends, so a hard link to one is analysed under
 * its own path too (a runtime shows the same bytes at both names). Bounded: a link to a
 * file beyond the bounds is recorded as an issue, never silently skipped.
 */
class KeptFiles {
  private readonly files = new Map<string, { meta: FileMeta; content: SharedContent }>();
  private total = 0;
  static readonly MAX_FILE = 8 * 1024 * 1024;
  static readonly MAX_TOTAL = 32 * 1024 * 1024;

  keep(path: string, meta: FileMeta, content: SharedContent): void {
    if (meta.size > KeptFiles.MAX_FILE || this.total + meta.size > KeptFiles.MAX_TOTAL) return;
    this.total += meta.size;
    this.files.set(path, { meta, content });
  }

  get(path: string) {
    return this.files.get(path);
  }

  /** A later entry of the same name replaces the file: a link made after it sees the new one. */
  forget(path: string): void {
    const old = this.files.get(path);
    if (old) this.total -= old.meta.size;
    this.files.delete(path);
  }
}

async function offerHardLink(
  header: Headers,
  path: string,
  analyzers: readonly Analyzer[],
  layer: string,
  out: LayerContent,
  kept: KeptFiles,
): Promise<void> {
  const target = normaliseEntryPath((header.linkname ?? "").replace(/^\/+/, ""), layer);
  const meta: FileMeta = {
    size: header.size ?? 0,
    mode: S_IFREG | ((header.mode ?? 0) & 0o7777),
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
  };
  const source = kept.get(target);
  const wanting = interested(analyzers, path, source?.meta ?? meta);
  if (wanting.length === 0) return;
  if (source) return offerFile(wanting, path, source.meta, source.content, layer, out);
  out.issues.push({
    path,
    code: "UNSUPPORTED",
    message: `hard link to ${target} not analysed: the target's content was not kept (not wanted, or over ${KeptFiles.MAX_FILE} bytes)`,
    layer,
  });
}

async function handleEntry(
  header: Headers,
  entry: EntryStream,
  analyzers: readonly Analyzer[],
  layer: string,
  out: LayerContent,
  kept: KeptFiles,
): Promise<void> {
  const path = normaliseEntryPath(header.name, layer);
  const wh = whiteoutOf(path);
  if (wh?.kind === "whiteout") out.whiteouts.push(wh.path);
  else if (wh?.kind === "opaque") out.opaqueDirs.push(wh.dir);
  else if (!wh && path !== "/") out.paths.push(path);
  checkLink(header, path, layer);
  kept.forget(path);
  if (!wh && header.type === "link") {
    await offerHardLink(header, path, analyzers, layer, out, kept);
    return drain(entry);
  }
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
  else kept.keep(path, meta, content);
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
export async function walkTar(
  tar: Readable,
  analyzers: readonly Analyzer[],
  layer: string,
): Promise<LayerContent> {
  const out: LayerContent = { results: [], whiteouts: [], opaqueDirs: [], paths: [], issues: [] };
  const kept = new KeptFiles();
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
      await handleEntry(entry.header, entry as unknown as EntryStream, analyzers, layer, out, kept);
    }
    await ended;
  } catch (e) {
    extract.destroy();
    tar.destroy();
    throw corrupt(e, layer);
  }
  return out;
}
