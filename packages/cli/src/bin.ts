#!/usr/bin/env node
import { VERSION } from "@bulwark/model/core";
import { writeStdout } from "./stdout.js";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // What commander prints for a bare --version, without loading commander, the error types
  // or Node's stream stack: most of a start.
  writeStdout(`${VERSION}\n`);
} else {
  const streams = watchStdioStreams();
  import("./main.js")
    .then(async ({ main, isOneShot }) => {
      const code = await main(argv, { directStdout: true });
      if (isOneShot(argv)) await exitWhenWritten(code, streams());
      return code;
    })
    .then(
      (code) => {
        process.exitCode = code;
      },
      () => {
        process.exitCode = 2;
      },
    );
}

/**
 * A one-shot command's work is done when it returns, yet a process left to drain still waits
 * for V8 to finish the marking it started and for the heap's teardown: about 20 ms of a 0.3 s
 * warm scan. It exits at once instead, after the bytes still queued on standard output or
 * error are written (a pipe is written asynchronously, so exiting earlier could cut a report).
 */
async function exitWhenWritten(code: number, opened: NodeJS.WriteStream[]): Promise<void> {
  // An empty write's callback runs after every earlier write's.
  const written = (s: NodeJS.WriteStream) => new Promise((done) => s.write("", done));
  await Promise.all(opened.filter((s) => s.writableLength > 0).map(written));
  process.exit(code);
}

/**
 * Which of process.stdout and process.stderr the run created. Asking the streams themselves
 * would create them, loading Node's stream stack (for a pipe also `net`) to learn that nothing
 * was written.
 */
function watchStdioStreams(): () => NodeJS.WriteStream[] {
  const opened = new Set<NodeJS.WriteStream>();
  for (const name of ["stdout", "stderr"] as const) {
    const property = Object.getOwnPropertyDescriptor(process, name);
    const get = property?.get;
    if (!property || !get) continue;
    Object.defineProperty(process, name, {
      ...property,
      get: () => {
        const stream = get.call(process) as NodeJS.WriteStream;
        opened.add(stream);
        return stream;
      },
    });
  }
  return () => [...opened];
}
