/**
 * The sensor line parser. Real lines are ones bpftrace 0.17 printed on this machine for
 * the generated program (copied from a run); the property tests throw arbitrary and
 * structured input at it: it never throws, and records survive a format/parse round trip.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRecordText, parseSensorLine, unescapeBuf } from "./parse.js";

const REAL = {
  exec: '{"type": "printf", "data": "X\\t21030341973913\\t22968\\t22968\\t17926\\t0\\t0\\t4294967295\\t25\\t4026531832\\t34816\\t0\\tmkdir\\t/usr/bin/mkdir\\n"}',
  argv: '{"type": "printf", "data": "A\\t22968\\tmkdir\\\\x00-p\\\\x00-m\\\\x00700\\\\x00/tmp/bash_jobs.0\\\\x00\\n"}',
  dup: '{"type": "printf", "data": "D\\t21030411037936\\t23359\\t23359\\t23300\\t0\\t0\\t4294967295\\t1\\t4026531832\\t3\\t1\\t2\\t39663\\t22\\t6\\t127.0.0.1\\t127.0.0.1\\tpython3\\n"}',
  lost: '{"type": "lost_events", "data": {"events": 17}}',
  attached: '{"type": "attached_probes", "data": {"probes": 37}}',
  ready: '{"type": "printf", "data": "READY\\n"}',
};

describe("parseSensorLine", () => {
  it("tells the BEGIN probe's ready record from attached_probes, which bpftrace prints before attaching", () => {
    expect(parseSensorLine(REAL.ready)).toEqual({ ok: true, ready: true });
    expect(parseSensorLine(REAL.attached)).toEqual({ ok: true, ignored: true });
  });

  it("reads an exec record with its header", () => {
    const r = parseSensorLine(REAL.exec);
    expect(r).toMatchObject({
      ok: true,
      record: {
        kind: "exec",
        pid: 22968,
        ppid: 17926,
        cgroupId: 25n,
        tty: 34816,
        comm: "mkdir",
        filename: "/usr/bin/mkdir",
      },
    });
  });

  it("splits argv on the NULs bpftrace prints as \\x00", () => {
    expect(parseSensorLine(REAL.argv)).toEqual({
      ok: true,
      record: { kind: "argv", pid: 22968, args: ["mkdir", "-p", "-m", "700", "/tmp/bash_jobs.0"] },
    });
  });

  it("reads a dup of a socket onto stdout with both addresses", () => {
    expect(parseSensorLine(REAL.dup)).toMatchObject({
      ok: true,
      record: {
        kind: "dup",
        fd: 3,
        extra: 1,
        family: 2,
        localPort: 39663,
        remotePort: 22,
        localAddress: "127.0.0.1",
        remoteAddress: "127.0.0.1",
        comm: "python3",
      },
    });
  });

  it("counts lost events and ignores bpftrace's own notices and blank lines", () => {
    expect(parseSensorLine(REAL.lost)).toEqual({ ok: true, lost: 17 });
    expect(parseSensorLine(REAL.attached)).toEqual({ ok: true, ignored: true });
    expect(parseSensorLine("")).toEqual({ ok: true, ignored: true });
  });

  it("rejects garbage, unknown kinds, short records and non-numbers without throwing", () => {
    for (const bad of [
      "{",
      "[1]",
      '{"type":"printf","data":5}',
      '{"type":"printf","data":"?\\t1"}',
      '{"type":"printf","data":"O\\t1\\t2"}',
      '{"type":"printf","data":"Q\\tx\\t1\\t1\\t1\\t0\\t0\\t0\\t1\\t1\\t0\\tsh"}',
    ])
      expect(parseSensorLine(bad).ok).toBe(false);
  });

  it("keeps a tab inside a path (the path is the last field)", () => {
    const r = parseRecordText("U\t1\t2\t2\t1\t0\t0\t4294967295\t1\t1\trm\t/tmp/a\tb");
    expect(r).toMatchObject({ ok: true, record: { kind: "unlink", path: "/tmp/a\tb", comm: "rm" } });
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseSensorLine(s);
        parseSensorLine(JSON.stringify({ type: "printf", data: s }));
        parseRecordText(s);
      }),
      { numRuns: 3000 },
    );
  });

  it("round-trips open records with any path", () => {
    const header = fc.tuple(
      fc.bigInt({ min: 0n, max: 2n ** 63n }),
      fc.nat(4194304),
      fc.nat(4194304),
      fc.nat(4194304),
      fc.nat(),
      fc.nat(),
    );
    fc.assert(
      fc.property(
        header,
        fc.integer({ min: -100, max: 1 << 20 }),
        fc.string({ minLength: 1, maxLength: 15 }).filter((c) => !c.includes("\t")),
        fc.string({ maxLength: 159 }),
        ([ns, pid, tid, ppid, uid, gid], flags, comm, path) => {
          const text = [
            "O",
            ns,
            pid,
            tid,
            ppid,
            uid,
            gid,
            4294967295,
            7,
            4026531832,
            flags,
            -100,
            comm,
            path,
          ].join("\t");
          const r = parseSensorLine(JSON.stringify({ type: "printf", data: `${text}\n` }));
          expect(r).toMatchObject({
            ok: true,
            record: { kind: "open", ktimeNs: ns, pid, tid, ppid, uid, gid, flags, dfd: -100, comm, path },
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("unescapes \\xNN and keeps UTF-8", () => {
    expect(unescapeBuf("a\\x00b\\x09c\\xc3\\xa9")).toBe("a\0b\tcé");
    expect(unescapeBuf("ü\\x00")).toBe("ü\0");
  });
});
