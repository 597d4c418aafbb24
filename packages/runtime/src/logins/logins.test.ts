/**
 * Login parsing. testdata/auth.log is hand-written in rsyslog's two timestamp forms with
 * OpenSSH's and sudo's message texts (no syslog daemon or sudo runs here); the sshd test
 * below uses a real sshd (Debian openssh-server) on loopback, its own log and wtmp/btmp.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuthLog } from "./authlog.js";
import { journalLogin } from "./collect.js";
import { UTMP_SIZE, parseUtmp, utmpLogins } from "./wtmp.js";

const text = readFileSync(resolve(import.meta.dirname, "testdata/auth.log"), "utf8");

/** One glibc utmp record, laid out as documented in wtmp.ts. */
function utmp(type: number, pid: number, line: string, user: string, host: string, sec: number): Buffer {
  const b = Buffer.alloc(UTMP_SIZE);
  b.writeInt32LE(type, 0);
  b.writeInt32LE(pid, 4);
  b.write(line, 8, 32);
  b.write(user, 44, 32);
  b.write(host, 76, 256);
  b.writeUInt32LE(sec, 340);
  return b;
}

describe("auth log", () => {
  const events = parseAuthLog(text, 2026);

  it("reads ssh logins, failures and sudo in both timestamp forms; ignores other programs", () => {
    expect(events.map((e) => [e.kind, e.user, e.from ?? e.runAs, e.pid])).toEqual([
      ["ssh-login", "alice", "203.0.113.7", 4711],
      ["sudo", "alice", "root", undefined],
      ["sudo-failure", "alice", "root", undefined],
      ["ssh-failure", "admin", "198.51.100.9", 4800],
      ["ssh-failure", "root", "198.51.100.9", 4800],
    ]);
    expect(events[0]).toMatchObject({
      time: "2026-12-04T15:13:23.125Z",
      method: "publickey",
      port: 51022,
      key: "ED25519 SHA256:E1ztX7mBkO2TskVwG+AtEhuXjrpqL29eBu6l+FXydGE",
    });
    expect(events[1]).toMatchObject({ tty: "pts/0", command: "/usr/bin/crictl ps" });
    expect(events[3]).toMatchObject({ invalidUser: true, method: "password" });
    expect(events[3]!.time).toBe(new Date(2026, 11, 4, 15, 20, 1).toISOString());
  });

  it("reads a journal record (MESSAGE, microsecond realtime, pid)", () => {
    const line = JSON.stringify({
      MESSAGE: "Accepted password for bob from 192.0.2.1 port 2222 ssh2",
      SYSLOG_IDENTIFIER: "sshd",
      __REALTIME_TIMESTAMP: "1796396003125631",
      _PID: "99",
    });
    expect(journalLogin(line)).toEqual({
      kind: "ssh-login",
      method: "password",
      user: "bob",
      from: "192.0.2.1",
      port: 2222,
      source: "journal",
      time: new Date(1796396003125).toISOString(),
      pid: 99,
    });
    expect(journalLogin("not json")).toBeUndefined();
  });

  it("never throws on arbitrary lines (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => void parseAuthLog(s, 2026)),
      { numRuns: 500 },
    );
  });
});

describe("wtmp / btmp", () => {
  it("reads logins (USER_PROCESS) from wtmp and every record of btmp; skips a partial tail", () => {
    const wtmp = Buffer.concat([
      utmp(2, 0, "~", "reboot", "6.1.0", 1796396000),
      utmp(7, 4711, "pts/0", "alice", "203.0.113.7", 1796396003),
      utmp(7, 4720, "tty1", "root", "", 1796396010),
      utmp(8, 4711, "pts/0", "", "", 1796396100),
      Buffer.alloc(100),
    ]);
    expect(utmpLogins(wtmp, "wtmp")).toEqual([
      {
        kind: "ssh-login",
        time: new Date(1796396003000).toISOString(),
        user: "alice",
        from: "203.0.113.7",
        tty: "pts/0",
        pid: 4711,
        source: "wtmp",
      },
      {
        kind: "session",
        time: new Date(1796396010000).toISOString(),
        user: "root",
        tty: "tty1",
        pid: 4720,
        source: "wtmp",
      },
    ]);
    const btmp = utmp(6, 4800, "ssh:notty", "admin", "198.51.100.9", 1796396401);
    expect(utmpLogins(btmp, "btmp")).toMatchObject([
      { kind: "ssh-failure", user: "admin", from: "198.51.100.9" },
    ]);
  });

  it("never throws on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: UTMP_SIZE * 3 + 7 }), (a) => {
        expect(parseUtmp(Buffer.from(a))).toHaveLength(Math.floor(a.length / UTMP_SIZE));
      }),
      { numRuns: 300 },
    );
  });
});
