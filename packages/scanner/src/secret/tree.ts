import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { errorMessage } from "@bulwark/model";
import type { SecretContext } from "./config.js";
import { scanFileBytes } from "./content.js";
import { looksBinary } from "./noise.js";
import type { SecretHit } from "./types.js";
import {
  walkTree,
  type DiskPath,
  type SkipReason,
  type Skipped,
  type WalkedFile,
  type WalkOptions,
} from "./walk.js";

/** Files up to this size are read whole (and may be parsed as manifests); bigger ones stream. */
const WHOLE_FILE_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 128;

export interface TreeScan {
  hits: Array<{ file: string; hit: SecretHit }>;
  skipped: Skipped[];
  filesScanned: number;
  bytesScanned: number;
}

export interface TreeScanOptions {
  includeNoise?: boolean;
  maxFileBytes?: number;
  maxDepth?: number;
}

/** What scanning one file gave: its hits, or why it was skipped. */
export type FileResult = { hits: SecretHit[] } | { binary: true } | { error: string };

export function walkOptionsOf(options: TreeScanOptions): WalkOptions {
  return {
    includeNoise: options.includeNoise ?? false,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
}

/** Scans one walked file; a read failure is an answer, not an exception. */
export function scanOne(ctx: SecretContext, file: WalkedFile): FileResult {
  try {
    const hits = scanFile(ctx, file);
    return hits === "binary" ? { binary: true } : { hits };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

/** Adds up per-file answers, in walk order, into one TreeScan. */
export class TreeTally {
  readonly result: TreeScan = { hits: [], skipped: [], filesScanned: 0, bytesScanned: 0 };
  readonly skip = (s: Skipped): void => void this.result.skipped.push(s);

  add(file: WalkedFile, answer: FileResult): void {
    if ("binary" in answer)
      this.skip({ path: file.rel, reason: "binary", detail: "NUL byte in the first 8000 bytes" });
    else if ("error" in answer) this.skip({ path: file.rel, reason: "unreadable", detail: answer.error });
    else {
      this.result.filesScanned++;
      this.result.bytesScanned += file.size;
      for (const hit of answer.hits) this.result.hits.push({ file: file.rel, hit });
    }
  }
}

/**
 * Scans every text file under ROOT on this thread. Content is decoded as latin1: one
 * character per byte, so invalid UTF-8 is scanned like anything else and offsets never drift.
 */
export async function scanTree(
  ctx: SecretContext,
  root: string,
  options: TreeScanOptions = {},
): Promise<TreeScan> {
  const tally = new TreeTally();
  for (const file of walkTree(root, walkOptionsOf(options), tally.skip)) tally.add(file, scanOne(ctx, file));
  return tally.result;
}

/** One file's hits, or "binary"; throws when the file cannot be read. */
export function scanFile(ctx: SecretContext, file: WalkedFile): SecretHit[] | "binary" {
  return file.size <= WHOLE_FILE_BYTES
    ? scanWhole(ctx, file.path, file.rel)
    : scanStreamed(ctx, file.path, file.rel);
}

function scanWhole(ctx: SecretContext, path: DiskPath, rel: string): SecretHit[] | "binary" {
  const buf = readFileSync(path);
  if (looksBinary(buf)) return "binary";
  return scanFileBytes(ctx, rel, buf);
}

/** Big files: 1 MiB at a time, so memory stays bounded whatever the file size. */
function scanStreamed(ctx: SecretContext, path: DiskPath, rel: string): SecretHit[] | "binary" {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const stream = ctx.engine.stream(rel);
    let first = true;
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      if (first && looksBinary(buf, bytesRead)) return "binary";
      first = false;
      stream.push(buf.toString("latin1", 0, bytesRead), buf.subarray(0, bytesRead));
    }
    return stream.end();
  } finally {
    closeSync(fd);
  }
}

/** Skips counted by reason, for the report summary. */
export function countSkips(skipped: Skipped[]): Partial<Record<SkipReason, number>> {
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const s of skipped) counts[s.reason] = (counts[s.reason] ?? 0) + 1;
  return counts;
}
