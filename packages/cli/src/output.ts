import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BulwarkError, errorMessage } from "@bulwark/model";

/** Writes beside the destination then renames, so a reader never sees half a report. */
export function writeFileAtomic(path: string, text: string): void {
  const full = resolve(path);
  const tmp = join(dirname(full), `.${basename(full)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BulwarkError("IO", `cannot write ${path}: ${errorMessage(e)}`);
  }
}

/**
 * Write a report given in pieces, to FILE (atomically, as above) or to standard output
 * (waiting for the pipe to drain), so a huge report is never one string in memory.
 */
export async function writeChunks(chunks: Iterable<string>, path: string | undefined): Promise<void> {
  if (!path) {
    for (const chunk of chunks) {
      if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once("drain", r));
    }
    return;
  }
  const full = resolve(path);
  const tmp = join(dirname(full), `.${basename(full)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = openSync(tmp, "w", 0o644);
    try {
      for (const chunk of chunks) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BulwarkError("IO", `cannot write ${path}: ${errorMessage(e)}`);
  }
}
