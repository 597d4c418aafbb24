import { createRequire } from "node:module";

/**
 * Standard output without `process.stdout`. Creating that stream loads Node's stream stack
 * (and for a pipe, `net`): about a third of a `bulwark --version` or `--help`, which print
 * one short text and exit. For the same reason `fs` is required, not imported: Node 20 builds
 * an ES module namespace of a built-in from all its properties, and reading `fs.promises`,
 * `fs.ReadStream` and the like loads fs/promises and the stream stack.
 */
const { fstatSync, statSync, writeSync } = createRequire(import.meta.url)(
  "node:fs",
) as typeof import("node:fs");

/** True when fd 1 is certainly no terminal: a pipe, socket, regular file or /dev/null. */
export function stdoutIsPlain(): boolean {
  try {
    const out = fstatSync(1);
    if (!out.isCharacterDevice()) return true;
    // Asking `tty.isatty` would load `net`; /dev/null is the one character device that is
    // common here and surely no terminal.
    return out.rdev === statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

/** Writes all of `text` to fd 1; a reader that went away (EPIPE) is not an error. */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EAGAIN")
      process.stdout.write(bytes.subarray(at)); // a non-blocking pipe: let the stream wait
    else if (code !== "EPIPE") throw e;
  }
}
