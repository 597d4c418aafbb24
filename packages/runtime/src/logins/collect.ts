/**
 * Collects host logins from the sources a node has: the auth log (Debian's
 * /var/log/auth.log, RHEL's /var/log/secure), wtmp/btmp, and the systemd journal.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { RuntimeError } from "../errors.js";
import { parseAuthLog, parseMessage } from "./authlog.js";
import type { LoginEvent } from "./types.js";
import { utmpLogins } from "./wtmp.js";

export interface LoginSources {
  authLogs: string[];
  wtmp?: string;
  btmp?: string;
  journal: boolean;
}

/** The node's usual files that exist. */
export function defaultLoginSources(): LoginSources {
  const pick = (...p: string[]): string[] => p.filter((f) => existsSync(f));
  return {
    authLogs: pick("/var/log/auth.log", "/var/log/secure"),
    ...(existsSync("/var/log/wtmp") ? { wtmp: "/var/log/wtmp" } : {}),
    ...(existsSync("/var/log/btmp") ? { btmp: "/var/log/btmp" } : {}),
    journal: false,
  };
}

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new RuntimeError("EVENTS_UNREADABLE", `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** One `journalctl -o json` line (sshd or sudo) as a login event. */
export function journalLogin(line: string): LoginEvent | undefined {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const msg = j.MESSAGE;
  const prog = j.SYSLOG_IDENTIFIER;
  if (typeof msg !== "string" || typeof prog !== "string") return undefined;
  const us = Number(j.__REALTIME_TIMESTAMP);
  const pid = Number(j._PID);
  return parseMessage(
    {
      prog,
      msg,
      ...(Number.isFinite(us) ? { time: new Date(Math.floor(us / 1000)).toISOString() } : {}),
      ...(Number.isInteger(pid) && pid > 0 ? { pid } : {}),
    },
    "journal",
  );
}

function journal(): Promise<LoginEvent[]> {
  return new Promise((done, fail) => {
    execFile(
      "journalctl",
      ["-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=sshd", "SYSLOG_IDENTIFIER=sudo"],
      { maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        if (err && !stdout) return fail(new RuntimeError("EVENTS_UNREADABLE", `journalctl: ${err.message}`));
        done(stdout.split("\n").flatMap((l) => journalLogin(l) ?? []));
      },
    );
  });
}

const timeOf = (e: LoginEvent): number => (e.time ? Date.parse(e.time) : Number.POSITIVE_INFINITY);

export async function collectLogins(s: LoginSources): Promise<LoginEvent[]> {
  const out: LoginEvent[] = [];
  for (const f of s.authLogs) {
    // Traditional syslog lines carry no year: the file's modification year.
    const year = statSync(f, { throwIfNoEntry: false })?.mtime.getFullYear() ?? new Date().getFullYear();
    out.push(...parseAuthLog(read(f).toString("utf8"), year));
  }
  if (s.wtmp) out.push(...utmpLogins(read(s.wtmp), "wtmp"));
  if (s.btmp) out.push(...utmpLogins(read(s.btmp), "btmp"));
  if (s.journal) out.push(...(await journal()));
  // Stable: lines without a time (sshd -E logs) keep their file order, after timed ones.
  return out.sort((a, b) => timeOf(a) - timeOf(b) || 0);
}
