import { Command, CommanderError } from "commander";
import { BulwarkError, ExitCode, errorMessage, VERSION, escapeTerminal } from "@bulwark/model";
import { commands, commandsFor } from "./commands.js";

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
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
  if (wanted === "summaries") for (const c of commands) program.command(c.name).description(c.summary);
  else for (const command of wanted) (await command.load())(program);
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    const program = await buildProgram(argv);
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
