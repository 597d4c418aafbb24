/** The Bulwark CLI from the sources, as a child process, for live tests. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { REPO_ROOT } from "./paths.js";

export const CLI_BIN = resolve(REPO_ROOT, "packages/cli/src/bin.ts");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bulwark ARGS` to its end. Asynchronous, unlike spawnSync: a server the CLI talks to
 * may run in the test's own process, and a scan or an observation window takes seconds.
 */
export function runCli(args: readonly string[]): Promise<CliRun> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((r) => child.once("close", (code) => r({ code, stdout, stderr })));
}
