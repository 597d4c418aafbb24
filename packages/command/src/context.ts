import type { Command } from "commander";
import { escapeTerminal } from "@bulwark/model";

/** Options every command accepts. */
export interface GlobalOptions {
  debug?: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Progress and logs go to stderr so that reports on stdout stay machine-readable. */
export function log(opts: GlobalOptions, message: string): void {
  if (!opts.quiet) process.stderr.write(`${escapeTerminal(message)}\n`);
}
