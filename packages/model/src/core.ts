/**
 * What the CLI needs before it loads a command: the version, the typed errors and terminal
 * escaping. A separate entry point, not the package index, so that the bundle keeps these few
 * modules apart from the rest of the model (which loads crypto and fs/promises).
 */
export { BulwarkError, ExitCode, errorMessage } from "./errors.js";
export { escapeTerminal } from "./text/terminal.js";
export { VERSION } from "./version.js";
