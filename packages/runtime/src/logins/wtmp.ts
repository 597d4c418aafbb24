/**
 * wtmp (logins and logouts) and btmp (failed logins): arrays of glibc's `struct utmp`,
 * 384 bytes each on Linux (x86-64 and the other 64-bit ABIs use 32-bit times here).
 * Layout: ut_type i32, ut_pid i32, ut_line[32], ut_id[4], ut_user[32], ut_host[256],
 * ut_exit (2 × i16), ut_session i32, ut_tv (sec i32, usec i32), ut_addr_v6 (4 × i32), 20 unused.
 */
import type { LoginEvent } from "./types.js";

export const UTMP_SIZE = 384;
const USER_PROCESS = 7;

const cstr = (b: Buffer, off: number, len: number): string => {
  const s = b.subarray(off, off + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString("utf8");
};

export interface UtmpRecord {
  type: number;
  pid: number;
  line: string;
  user: string;
  host: string;
  time: string;
}

/** Every whole record; a trailing partial record (a file being written) is ignored. */
export function parseUtmp(buf: Buffer): UtmpRecord[] {
  const out: UtmpRecord[] = [];
  for (let off = 0; off + UTMP_SIZE <= buf.length; off += UTMP_SIZE) {
    const sec = buf.readUInt32LE(off + 340);
    const usec = buf.readInt32LE(off + 344);
    const ms = sec * 1000 + Math.floor(Math.max(0, Math.min(usec, 999_999)) / 1000);
    out.push({
      type: buf.readInt32LE(off),
      pid: buf.readInt32LE(off + 4),
      line: cstr(buf, off + 8, 32),
      user: cstr(buf, off + 44, 32),
      host: cstr(buf, off + 76, 256),
      time: new Date(ms).toISOString(),
    });
  }
  return out;
}

/** Logins (wtmp USER_PROCESS) and failed logins (every btmp record) as login events. */
export function utmpLogins(buf: Buffer, source: "wtmp" | "btmp"): LoginEvent[] {
  return parseUtmp(buf).flatMap((r): LoginEvent[] => {
    if (source === "wtmp" && r.type !== USER_PROCESS) return [];
    const remote = r.host !== "";
    return [
      {
        kind:
          source === "btmp" ? (remote ? "ssh-failure" : "login-failure") : remote ? "ssh-login" : "session",
        time: r.time,
        user: r.user,
        ...(remote ? { from: r.host } : {}),
        tty: r.line,
        pid: r.pid,
        source,
      },
    ];
  });
}
