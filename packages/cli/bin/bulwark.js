#!/usr/bin/env node
// The `bulwark` command. A committed launcher rather than dist/bin.js itself, so that
// `npm ci` in a fresh clone links the command before the first build has written dist/.
import "../dist/bin.js";
