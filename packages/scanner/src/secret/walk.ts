import { lstatSync, readdirSync, statSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import { errorMessage } from "@bulwark/model";
import { isBinaryName, isNoiseDir, isNoiseFile } from "./noise.js";

export type SkipReason = "binary" | "noise" | "too-large" | "symlink" | "too-deep" | "special" | "unreadable";

export interface Skipped {
  path: string;
  reason: SkipReason;
  detail: string;
}

export interface WalkOptions {
  includeNoise?: boolean;
  maxFileBytes: number;
  maxDepth: number;
}

/**
 * A path on disk. File names are bytes: a name that is not valid UTF-8 is kept as a Buffer
 * path (which every fs call accepts) so the file is still read, not lost to an ENOENT.
 */
export type DiskPath = string | Buffer;

export interface WalkedFile {
  /** Absolute path on disk. */
  path: DiskPath;
  /** Path relative to the scan root with "/" separators (the file as reported). */
  rel: string;
  size: number;
}

/**
 * Yields the regular files under ROOT that are worth reading. Never follows symbolic
 * links (so it cannot loop or leave the tree), remembers directories by device and
 * inode (bind-mount loops), walks with an explicit stack (deep trees cannot overflow
 * the call stack) and reports every skip with its reason. Synchronous on purpose: a
 * scan reads many small files one after another, and the thread-pool hop of async
 * file calls costs more than the read itself.
 */
export function* walkTree(
  root: string,
  options: WalkOptions,
  onSkip: (s: Skipped) => void,
): Generator<WalkedFile> {
  const top = statSync(root);
  const display = (p: DiskPath): string =>
    typeof p !== "string"
      ? displayBytes(p.subarray(Buffer.byteLength(root) + 1))
      : p === root
        ? p
        : relative(root, p).split(sep).join("/");
  if (!top.isDirectory()) {
    const file = checkFile(root, display(root), top.size, top.isFile(), options, onSkip);
    if (file) yield file;
    return;
  }
  const seenDirs = new Set<string>();
  const stack: Array<{ dir: DiskPath; depth: number }> = [{ dir: root, depth: 0 }];
  while (stack.length) {
    const { dir, depth } = stack.pop()!;
    let info;
    try {
      info = statSync(dir);
      const key = `${info.dev}:${info.ino}`;
      if (seenDirs.has(key)) continue;
      seenDirs.add(key);
    } catch (e) {
      onSkip({ path: display(dir), reason: "unreadable", detail: errorMessage(e) });
      continue;
    }
    let entries: Dirent<Buffer>[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
    } catch (e) {
      onSkip({ path: display(dir), reason: "unreadable", detail: errorMessage(e) });
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    const subdirs: DiskPath[] = [];
    for (const entry of entries) {
      const name = entry.name.toString("utf8");
      const path = childPath(dir, entry.name);
      // The directory entry's type needs no extra system call; only files need their size.
      if (entry.isSymbolicLink()) {
        onSkip({ path: display(path), reason: "symlink", detail: "symbolic links are not followed" });
      } else if (entry.isDirectory()) {
        if (!options.includeNoise && isNoiseDir(name)) {
          onSkip({ path: display(path), reason: "noise", detail: "vendored or generated directory" });
        } else if (depth + 1 > options.maxDepth) {
          onSkip({
            path: display(path),
            reason: "too-deep",
            detail: `deeper than ${options.maxDepth} directories`,
          });
        } else subdirs.push(path);
      } else {
        let size = 0;
        try {
          if (entry.isFile()) size = lstatSync(path).size;
        } catch (e) {
          onSkip({ path: display(path), reason: "unreadable", detail: errorMessage(e) });
          continue;
        }
        const file = checkFile(path, display(path), size, entry.isFile(), options, onSkip);
        if (file) yield file;
      }
    }
    // Reverse so that the stack pops directories in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i]!, depth: depth + 1 });
  }
}

/** dir/name, as a string when both are valid UTF-8, else as bytes. */
function childPath(dir: DiskPath, name: Buffer): DiskPath {
  const text = name.toString("utf8");
  if (typeof dir === "string" && Buffer.from(text, "utf8").equals(name)) return join(dir, text);
  return Buffer.concat([typeof dir === "string" ? Buffer.from(dir) : dir, Buffer.from(sep), name]);
}

/** A byte path for people: valid UTF-8 as is, every other byte as \xNN. */
export function displayBytes(bytes: Buffer): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const len = utf8Length(bytes, i);
    if (len > 0) {
      out += bytes.subarray(i, i + len).toString("utf8");
      i += len;
    } else out += `\\x${bytes[i++]!.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function utf8Length(b: Buffer, i: number): number {
  const c = b[i]!;
  const n =
    c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n <= 1) return n;
  if (i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const seq = b.subarray(i, i + n);
  return Buffer.from(seq.toString("utf8"), "utf8").equals(seq) ? n : 0;
}

function checkFile(
  path: DiskPath,
  rel: string,
  size: number,
  regular: boolean,
  options: WalkOptions,
  onSkip: (s: Skipped) => void,
): WalkedFile | undefined {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  if (!regular)
    onSkip({ path: rel, reason: "special", detail: "not a regular file (device, FIFO or socket)" });
  else if (isBinaryName(name)) onSkip({ path: rel, reason: "binary", detail: "binary file type" });
  else if (!options.includeNoise && isNoiseFile(name))
    onSkip({ path: rel, reason: "noise", detail: "lock file, source map or minified bundle" });
  else if (size > options.maxFileBytes)
    onSkip({
      path: rel,
      reason: "too-large",
      detail: `${formatBytes(size)} is over the ${formatBytes(options.maxFileBytes)} secret scan limit`,
    });
  else if (size > 0) return { path, rel, size };
  return undefined;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
