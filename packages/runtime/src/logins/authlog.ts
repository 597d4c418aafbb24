/**
 * sshd and sudo messages, from an auth log (syslog's traditional "Dec  4 15:13:23 host
 * prog[pid]: msg" or rsyslog's RFC 3339 form), from sshd's own `-E` log (bare messages,
 * no time) or from the journal (MESSAGE with its own time). The message texts are
 * OpenSSH's and sudo's log formats.
 */
import type { LoginEvent } from "./types.js";

const HOST_PORT = String.raw`(\S+) port (\d+)`;
const SSHD: Array<[RegExp, (m: RegExpExecArray) => Omit<LoginEvent, "source" | "time" | "pid">]> = [
  [
    new RegExp(String.raw`^Accepted (\S+) for (\S+) from ${HOST_PORT}(?: ssh2)?(?:: (.+))?$`),
    (m) => ({
      kind: "ssh-login",
      method: m[1],
      user: m[2]!,
      from: m[3],
      port: Number(m[4]),
      ...(m[5] ? { key: m[5] } : {}),
    }),
  ],
  [
    new RegExp(String.raw`^Failed (\S+) for (invalid user )?(\S+) from ${HOST_PORT}`),
    (m) => ({
      kind: "ssh-failure",
      method: m[1],
      user: m[3]!,
      from: m[4],
      port: Number(m[5]),
      ...(m[2] ? { invalidUser: true } : {}),
    }),
  ],
  [
    new RegExp(String.raw`^Invalid user (\S*) from ${HOST_PORT}`),
    (m) => ({ kind: "ssh-failure", user: m[1]!, from: m[2], port: Number(m[3]), invalidUser: true }),
  ],
  [
    // A client that offered only keys the server refused (no "Failed" line is logged for that).
    new RegExp(String.raw`^Connection closed by authenticating user (\S+) ${HOST_PORT} \[preauth\]`),
    (m) => ({ kind: "ssh-failure", user: m[1]!, from: m[2], port: Number(m[3]) }),
  ],
  [
    new RegExp(String.raw`^Disconnected from user (\S+) ${HOST_PORT}`),
    (m) => ({ kind: "ssh-logout", user: m[1]!, from: m[2], port: Number(m[3]) }),
  ],
];

const SUDO_RUN =
  /^\s*(\S+) : (?:(\d+) incorrect password attempts? ; )?TTY=(\S+) ; PWD=\S.* ; USER=(\S+) ; COMMAND=(.+)$/;

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
const TRADITIONAL =
  /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ ([\w.-]+)(?:\[(\d+)\])?: (.*)$/;
const RFC3339 =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) \S+ ([\w.-]+)(?:\[(\d+)\])?: (.*)$/;

interface Line {
  time?: string;
  prog: string;
  pid?: number;
  msg: string;
}

/** Splits a syslog line; a line without a header is a bare sshd message (sshd -E). */
export function splitSyslog(line: string, year: number): Line {
  const r = RFC3339.exec(line);
  if (r) {
    const t = new Date(r[1]!);
    return {
      ...(Number.isNaN(t.getTime()) ? {} : { time: t.toISOString() }),
      prog: r[2]!,
      ...pid(r[3]),
      msg: r[4]!,
    };
  }
  const m = TRADITIONAL.exec(line);
  if (m) {
    const month = MONTHS.indexOf(m[1]!) / 3;
    // Traditional syslog has no year or zone: the caller's year, local time.
    const t = new Date(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    return {
      ...(month < 0 || Number.isNaN(t.getTime()) ? {} : { time: t.toISOString() }),
      prog: m[6]!,
      ...pid(m[7]),
      msg: m[8]!,
    };
  }
  return { prog: "sshd", msg: line.trim() };
}

const pid = (s: string | undefined): { pid?: number } => (s ? { pid: Number(s) } : {});

/** One message of a program (sshd, sudo) as a login event, or undefined when it is not one. */
export function parseMessage(l: Line, source: LoginEvent["source"]): LoginEvent | undefined {
  const base = { source, ...(l.time ? { time: l.time } : {}), ...(l.pid ? { pid: l.pid } : {}) };
  if (l.prog === "sshd" || l.prog.startsWith("sshd-")) {
    for (const [re, make] of SSHD) {
      const m = re.exec(l.msg);
      if (m) return { ...make(m), ...base };
    }
    return undefined;
  }
  if (l.prog === "sudo") {
    const m = SUDO_RUN.exec(l.msg);
    if (!m) return undefined;
    return {
      kind: m[2] ? "sudo-failure" : "sudo",
      user: m[1]!,
      tty: m[3],
      runAs: m[4],
      command: m[5],
      ...base,
    };
  }
  return undefined;
}

export function parseAuthLog(text: string, year: number): LoginEvent[] {
  const out: LoginEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const e = parseMessage(splitSyslog(line, year), "auth.log");
    if (e) out.push(e);
  }
  return out;
}
