import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");
const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");

export interface HostileRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process, in MiB, as GNU time measured it. */
  peakMiB: number;
  /** Files the run left in HOME, the working directory or TMPDIR (must be none). */
  strayFiles: string[];
}

/**
 * Runs the real CLI as its own process under GNU time, with a fresh HOME, working directory
 * and TMPDIR, and the cache in a directory of its own. The spawn timeout is a hang guard for
 * cases whose defect was a hang: hitting it fails the test as "hung", it is not a speed limit.
 */
export function runHostile(args: string[], cacheDir: string, env: Record<string, string> = {}): HostileRun {
  const sandbox = mkdtempSync(join(tmpdir(), "bulwark-hostile-run-"));
  const dirs = ["home", "cwd", "tmp"].map((d) => join(sandbox, d));
  for (const d of dirs) spawnSync("mkdir", ["-p", d]);
  const [home, cwd, tmp] = dirs as [string, string, string];
  const timeFile = join(sandbox, "time");
  try {
    const child = spawnSync(
      "/usr/bin/time",
      [
        "-f",
        "%M",
        "-o",
        timeFile,
        process.execPath,
        "--conditions=bulwark-source",
        "--import",
        import.meta.resolve("tsx"),
        bin,
        "--cache-dir",
        cacheDir,
        ...args,
      ],
      {
        cwd,
        encoding: "utf8",
        timeout: 300_000,
        // tsx (which runs the TypeScript sources here) would cache in TMPDIR; Bulwark itself must not write there.
        env: { ...process.env, HOME: home, TMPDIR: tmp, NODE_OPTIONS: "", TSX_DISABLE_CACHE: "1", ...env },
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    if (child.error)
      throw new Error(`bulwark ${args.join(" ")}: hung or failed to start: ${child.error.message}`);
    const kb = Number(readFileSync(timeFile, "utf8").trim().split("\n").pop());
    const strayFiles = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
    return { code: child.status, stdout: child.stdout, stderr: child.stderr, peakMiB: kb / 1024, strayFiles };
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
}

/** The CLI's error contract: exactly one line `bulwark: CODE: message`, no stack trace. */
export function oneLineError(stderr: string, code: string): string {
  const lines = stderr
    .trimEnd()
    .split("\n")
    .filter((l) => !/^warning|^bulwark: warning/i.test(l));
  const last = lines[lines.length - 1] ?? "";
  if (!last.startsWith(`bulwark: ${code}: `))
    throw new Error(`expected a ${code} error line, got:\n${stderr}`);
  if (/\n\s+at /.test(stderr)) throw new Error(`stack trace printed without --debug:\n${stderr}`);
  return last;
}
