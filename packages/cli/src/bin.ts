#!/usr/bin/env node
import { VERSION } from "@bulwark/model/core";
import { writeStdout } from "./stdout.js";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // What commander prints for a bare --version, without loading commander, the error types
  // or Node's stream stack: most of a start.
  writeStdout(`${VERSION}\n`);
} else {
  import("./main.js")
    .then(({ main }) => main(argv, { directStdout: true }))
    .then(
      (code) => {
        process.exitCode = code;
      },
      () => {
        process.exitCode = 2;
      },
    );
}
