/**
 * `bulwark runtime watch` as a child process for live tests: started from the sources, ready
 * once the sensor says "attached", its JSON alerts on stdout collected as they arrive.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Alert } from "../alerts/index.js";
import { CLI_BIN } from "./cli.js";
import { REPO_ROOT } from "./paths.js";

export interface Watch {
  child: ChildProcess;
  /** Alerts printed on stdout so far (the default `--output stdout`, JSON lines). */
  alerts: Alert[];
  /** What the agent wrote on stderr so far. */
  stderr(): string;
  exited: Promise<unknown>;
  /** SIGTERM, then wait for the agent to exit. */
  stop(): Promise<void>;
}

/** Starts `runtime watch ARGS`; rejects with its stderr if it exits before attaching. */
export function startWatch(args: readonly string[]): Promise<Watch> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI_BIN, "runtime", "watch", ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  const exited = new Promise((r) => child.once("close", r));
  const w: Watch = {
    child,
    alerts: [],
    stderr: () => err,
    exited,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
  let buf = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    const lines = (buf + d).split("\n");
    buf = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) w.alerts.push(JSON.parse(l) as Alert);
  });
  return new Promise((ready, fail) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      if (err.includes("attached")) ready(w);
    });
    child.once("close", (code) => fail(new Error(`runtime watch exited ${code}: ${err}`)));
  });
}
