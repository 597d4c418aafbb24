import type { Readable } from "node:stream";
import { readTar, type TarEntry } from "@bulwark/image";
import { type Analyzer, BulwarkError, errorMessage, limit, type LayerAnalysis } from "@bulwark/model";
import { finishLayer, interested, offerFile, SharedContent, type FileMeta } from "./offer.js";
import { normaliseEntryPath, resolveSymlinkTarget, whiteoutOf } from "./paths.js";

export type LayerContent = Pick<LayerAnalysis, "results" | "whiteouts" | "opaqueDirs" | "paths" | "issues">;

const S_IFREG = 0o100000;

function checkLink(entry: TarEntry, path: string, layer: string): void {
  if (entry.type === "symlink") resolveSymlinkTarget(path, entry.linkname, layer);
  // A hard link names another entry of the archive, relative to the root.
  if (entry.type === "link") normaliseEntryPath(entry.linkname.replace(/^\/+/, ""), layer);
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
  header: TarEntry,
  path: string,
  analyzers: readonly Analyzer[],
  layer: string,
  out: LayerContent,
  kept: KeptFiles,
): Promise<void> {
  const target = normaliseEntryPath(header.linkname.replace(/^\/+/, ""), layer);
  const meta = metaOf(header);
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

function metaOf(entry: TarEntry): FileMeta {
  return { size: entry.size, mode: S_IFREG | (entry.mode & 0o7777), uid: entry.uid, gid: entry.gid };
}

async function handleEntry(
  entry: TarEntry,
  analyzers: readonly Analyzer[],
  layer: string,
  out: LayerContent,
  kept: KeptFiles,
): Promise<void> {
  const path = normaliseEntryPath(entry.name, layer);
  const wh = whiteoutOf(path);
  if (wh?.kind === "whiteout") out.whiteouts.push(wh.path);
  else if (wh?.kind === "opaque") out.opaqueDirs.push(wh.dir);
  else if (!wh && path !== "/") out.paths.push(path);
  checkLink(entry, path, layer);
  kept.forget(path);
  if (!wh && entry.type === "link") return offerHardLink(entry, path, analyzers, layer, out, kept);
  if (wh || entry.type !== "file") return;
  const meta = metaOf(entry);
  const wanting = interested(analyzers, path, meta);
  if (wanting.length === 0) return;
  // A sparse file's size costs the archive nothing: expand only what a real file could be.
  if (entry.sparse && entry.size > limit("SPARSE_FILE_BYTES")) {
    out.issues.push({
      path,
      code: "UNSUPPORTED",
      message: `sparse file of ${entry.size} bytes not analysed: over the ${limit("SPARSE_FILE_BYTES")}-byte limit (BULWARK_MAX_SPARSE_FILE_BYTES)`,
      layer,
    });
    return;
  }
  const content = SharedContent.fromParts(() => entry.readParts());
  await offerFile(wanting, path, meta, content, layer, out);
  if (content.started) kept.keep(path, meta, content);
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
  try {
    for await (const entry of readTar(tar)) await handleEntry(entry, analyzers, layer, out, kept);
  } catch (e) {
    tar.destroy();
    throw corrupt(e, layer);
  }
  await finishLayer(analyzers, layer, out);
  return out;
}
