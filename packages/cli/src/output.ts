import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BulwarkError, errorMessage } from "@bulwark/model";

const WRITE_BATCH = 64 * 1024;

/**
 * Write a report given in pieces, to FILE (atomically: written beside it, then renamed, so a reader never sees half a report) or to standard output
 * (waiting for the pipe to drain), so a huge report is never one string in memory.
 */
export async function writeChunks(chunks: Iterable<string>, path: string | undefined): Promise<void> {
  if (!path) return writeStdout(chunks);
  const full = resolve(path);
  const tmp = join(dirname(full), `.${basename(full)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = openSync(tmp, "w", 0o644);
    try {
      // Pieces are gathered to about 64 KiB per write: a report comes in thousands of small
      // pieces, and a system call (and a UTF-8 encoding) per piece cost more than the joining.
      let pending: string[] = [];
      let size = 0;
      for (const chunk of chunks) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= WRITE_BATCH) {
          writeSync(fd, pending.join(""));
          pending = [];
          size = 0;
        }
      }
      if (size > 0) writeSync(fd, pending.join(""));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BulwarkError("IO", `cannot write ${path}: ${errorMessage(e)}`);
  }
}

/** Standard output's first write error since its guard was set (see writeStdout). */
let stdoutFailure: NodeJS.ErrnoException | undefined;
const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * Standard output in pieces, waiting for the pipe to drain. A reader that goes away (`| head`)
 * ends the writing quietly instead of with an unhandled EPIPE and a stack trace. The error
 * listener is set once per stream and stays, because the last buffered piece can fail after
 * the loop is done (once, not per call: the CLI also runs in-process, e.g. in tests).
 */
async function writeStdout(chunks: Iterable<string>): Promise<void> {
  const out = process.stdout;
  if (!guarded.has(out)) {
    guarded.add(out);
    out.on("error", (e: NodeJS.ErrnoException) => (stdoutFailure ??= e));
  }
  stdoutFailure = undefined;
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("error", done);
        resolve();
      };
      out.on("drain", done);
      out.on("error", done);
    });
  for (const chunk of chunks) {
    if (stdoutFailure) break;
    if (!out.write(chunk)) await drained();
  }
  const failure = stdoutFailure as NodeJS.ErrnoException | undefined;
  if (failure && failure.code !== "EPIPE")
    throw new BulwarkError("IO", `cannot write the report: ${errorMessage(failure)}`);
}
