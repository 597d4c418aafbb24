/**
 * What the process benchmarks share: running a command under GNU time (wall, CPU, peak RSS),
 * the Bulwark command users run, and summarising repeated runs.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Measure {
  seconds: number;
  /** User + system CPU seconds: steadier than wall time on a busy machine. */
  cpu: number;
  peakMb: number;
}

/**
 * The environment measured commands get: this one's without NODE_OPTIONS, whose
 * `--conditions=bulwark-source` (set by `npm run bench` for tsx) would send the built CLI to
 * the TypeScript sources.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

/** Runs a command under GNU time (Debian package `time`) and returns wall, CPU and peak RSS. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = childEnv()): Promise<Measure> {
  return new Promise((done, fail) => {
    const child = spawn("/usr/bin/time", ["-v", cmd, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    const started = process.hrtime.bigint();
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      // Our own clock: GNU time prints wall time to 10 ms, too coarse for start-up.
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${err.slice(-2000)}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const user = Number(/User time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
      const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
      if (!rss) return fail(new Error(`cannot read GNU time output:\n${err.slice(-1000)}`));
      done({ seconds, cpu: user + sys, peakMb: Number(rss[1]) / 1024 });
    });
  });
}

/** A shell one-liner under GNU time; "$1", "$2", … are `args`. */
export function timedShell(script: string, args: string[]): Promise<Measure> {
  return timed("sh", ["-c", script, "sh", ...args]);
}

/**
 * The command a user runs: the built launcher (the esbuild bundle) after `npm run build`,
 * else the sources through tsx — much slower to start, and labelled so.
 */
export function bulwarkCommand(): { cmd: string; pre: string[]; label: string } {
  if (existsSync(join(REPO, "packages/cli/dist/bundle/bulwark.js")))
    return {
      cmd: process.execPath,
      pre: [join(REPO, "packages/cli/bin/bulwark.js")],
      label: "the built CLI",
    };
  return {
    cmd: process.execPath,
    pre: ["--conditions=bulwark-source", "--import", "tsx", join(REPO, "packages/cli/src/bin.ts")],
    label: "tsx on the sources (run `npm run build` for the shipped CLI)",
  };
}

/** Median of each field over repeated runs (peak RSS: the largest). */
export function median(ms: readonly Measure[]): Measure {
  const mid = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const h = Math.floor(s.length / 2);
    return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  };
  return {
    seconds: mid(ms.map((m) => m.seconds)),
    cpu: mid(ms.map((m) => m.cpu)),
    peakMb: Math.max(...ms.map((m) => m.peakMb)),
  };
}

/** Fastest of each field (peak RSS: the largest). */
export function best(ms: readonly Measure[]): Measure {
  return {
    seconds: Math.min(...ms.map((m) => m.seconds)),
    cpu: Math.min(...ms.map((m) => m.cpu)),
    peakMb: Math.max(...ms.map((m) => m.peakMb)),
  };
}

export const fmt = (m: Measure): string =>
  `${m.seconds.toFixed(3).padStart(8)} s ${m.cpu.toFixed(3).padStart(8)} s  ${m.peakMb.toFixed(0).padStart(6)} MB`;

export const verdict = (ok: boolean): string => (ok ? "met" : "NOT met");

/** `--runs N` from a benchmark's arguments. */
export function runsArg(args: readonly string[], fallback: number): number {
  const at = args.indexOf("--runs");
  return at >= 0 ? Math.max(1, Number(args[at + 1]) || fallback) : fallback;
}
