import { Command, CommanderError } from "commander";
// Not the package index: top-level help needs none of the rest (see core.ts).
import { BulwarkError, ExitCode, errorMessage, escapeTerminal, VERSION } from "@bulwark/model/core";
import { commands, commandsFor } from "./commands.js";
export { isOneShot } from "./commands.js";
import { stdoutIsPlain, writeStdout } from "./stdout.js";

export interface MainOptions {
  /**
   * The process's own entry point (bin.ts): top-level help may write to fd 1 directly. Callers
   * in-process (tests capturing process.stdout) leave it unset.
   */
  directStdout?: boolean;
}

export async function buildProgram(argv: readonly string[] = [], opts: MainOptions = {}): Promise<Command> {
  const program = new Command("bulwark")
    .description("Container security: inventory (SBOM), vulnerabilities, misconfigurations and secrets")
    .version(VERSION)
    .option("--debug", "show stack traces and debug logs")
    .option("--quiet", "no progress or logs on stderr")
    .option(
      "--cache-dir <dir>",
      "where Bulwark keeps its database and caches (default: $BULWARK_CACHE_DIR or ~/.cache/bulwark)",
    )
    .showHelpAfterError()
    .exitOverride();
  const wanted = commandsFor(argv);
  if (wanted === "summaries") {
    for (const c of commands) program.command(c.name).description(c.summary);
    // Top-level help into a pipe or file: commander's defaults for a stream that is no terminal
    // (80 columns, no colours), written without creating process.stdout (see stdout.ts).
    if (opts.directStdout && stdoutIsPlain())
      program.configureOutput({
        writeOut: writeStdout,
        getOutHelpWidth: () => 80, // commander's width when there is none
        getOutHasColors: () => false,
      });
  } else for (const command of wanted) (await command.load())(program);
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    const program = await buildProgram(argv, opts);
    await program.parseAsync(argv, { from: "user" });
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    if (e instanceof BulwarkError) {
      process.stderr.write(`bulwark: ${e.code}: ${escapeTerminal(e.message)}\n`);
      if (debug) process.stderr.write(`${e.stack ?? ""}\n`);
      return e.exitCode;
    }
    process.stderr.write(`bulwark: internal error: ${escapeTerminal(errorMessage(e))}\n`);
    if (debug) process.stderr.write(`${(e as Error)?.stack ?? ""}\n`);
    else process.stderr.write("bulwark: run again with --debug for details\n");
    return ExitCode.error;
  }
}
