#!/usr/bin/env node
// The `bulwark` command. A committed launcher rather than a built file, so that `npm ci` in a
// fresh clone links the command before the first build has written dist/.
import module from "node:module";

// V8's code cache on disk (Node 22.1+): later starts skip compiling the bundle. Older Node
// versions lack the call and compile as before.
module.enableCompileCache?.();
// Stack traces name the TypeScript sources only when asked for: reading the source maps of a
// 13 MB bundle costs more than a whole `bulwark --version`.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
await import("../dist/bundle/bulwark.js");
