/**
 * Reads an audit log file (the API server's log backend: one Event per line; an
 * EventList per line is accepted too). A line longer than MAX_AUDIT_LINE is dropped while
 * it streams past, so a file without newlines cannot exhaust memory. Bad lines are
 * counted by reason, never fatal.
 */
import type { Readable } from "node:stream";
import type { AuditEvent } from "../events/audit.js";
import { RuntimeError } from "../errors.js";
import { MAX_AUDIT_LINE, parseAuditPayload } from "./parse.js";

export interface AuditLogStats {
  lines: number;
  events: number;
  skipped: Record<string, number>;
}

export async function* readAuditLog(input: Readable, stats: AuditLogStats): AsyncGenerator<AuditEvent> {
  const skip = (why: string): void => {
    stats.skipped[why] = (stats.skipped[why] ?? 0) + 1;
  };
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  function* line(): Generator<AuditEvent> {
    const text = Buffer.concat(parts).toString("utf8").trim();
    const wasLong = tooLong;
    parts = [];
    size = 0;
    tooLong = false;
    if (wasLong) {
      stats.lines++;
      return skip("line too long");
    }
    if (text === "") return;
    stats.lines++;
    const r = parseAuditPayload(text);
    if (!r.ok) return skip(r.reason);
    for (const why of r.rejected) skip(why.replace(/^items\[\d+\]: /, ""));
    stats.events += r.events.length;
    yield* r.events;
  }
  for await (const chunk of chunks(input)) {
    let buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
      if (!tooLong) parts.push(buf.subarray(0, nl));
      yield* line();
      buf = buf.subarray(nl + 1);
    }
    if (tooLong || buf.length === 0) continue;
    size += buf.length;
    if (size > MAX_AUDIT_LINE) {
      tooLong = true;
      parts = [];
    } else parts.push(buf);
  }
  yield* line();
}

/** The input's chunks; a read error (missing file, permission) is one typed error. */
async function* chunks(input: Readable): AsyncGenerator<Buffer | string> {
  try {
    for await (const c of input as AsyncIterable<Buffer | string>) yield c;
  } catch (e) {
    throw new RuntimeError("EVENTS_UNREADABLE", `cannot read audit log: ${(e as Error).message}`);
  }
}
