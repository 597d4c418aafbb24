/**
 * Reads an event stream (JSON lines) from a file or stdin and maps each line onto a
 * RuntimeEvent. Bad lines never stop the stream: they are counted by reason. A line
 * longer than the limit is dropped while it streams past, so a file without newlines
 * cannot exhaust memory.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { checkRuntimeEvent } from "../events/validate.js";
import type { RuntimeEvent } from "../events/types.js";
import { RuntimeError } from "../errors.js";
import { isObj, type Mapped } from "./common.js";
import { mapFalcoRecord } from "./falco.js";
import { mapTetragonRecord } from "./tetragon.js";

export type InputFormat = "auto" | "bulwark" | "falco" | "tetragon";
export const INPUT_FORMATS: readonly InputFormat[] = ["auto", "bulwark", "falco", "tetragon"];

export const MAX_LINE_BYTES = 1024 * 1024;

export interface StreamStats {
  lines: number;
  events: number;
  /** Skipped lines by reason (too long, not JSON, unmapped …). */
  skipped: Record<string, number>;
}

function mapRecord(v: unknown, format: InputFormat): Mapped {
  if (format === "falco") return mapFalcoRecord(v);
  if (format === "tetragon") return mapTetragonRecord(v);
  if (format === "bulwark") {
    const c = checkRuntimeEvent(v);
    return c.ok ? c : { ok: false, reason: `not a Bulwark event: ${c.reason}` };
  }
  if (isObj(v) && "schema" in v) return mapRecord(v, "bulwark");
  if (isObj(v) && "output_fields" in v) return mapFalcoRecord(v);
  if (isObj(v) && Object.keys(v).some((k) => k.startsWith("process_"))) return mapTetragonRecord(v);
  return { ok: false, reason: "unrecognised record (not Bulwark, Falco or Tetragon JSON)" };
}

/** Short, stable reason keys for the skip counters. */
function reasonKey(reason: string): string {
  return reason.replace(/\s*\(.*$/, "").replace(/: .*$/, "");
}

export function openInput(path: string): Readable {
  if (path === "-") return process.stdin;
  const s = createReadStream(path);
  return s;
}

export async function* readEvents(
  input: Readable,
  format: InputFormat,
  stats: StreamStats,
): AsyncGenerator<RuntimeEvent> {
  const skip = (why: string): void => {
    stats.skipped[why] = (stats.skipped[why] ?? 0) + 1;
  };
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const finish = (): RuntimeEvent | undefined => {
    const buf = Buffer.concat(parts);
    parts = [];
    size = 0;
    if (tooLong) {
      tooLong = false;
      stats.lines++;
      skip("line too long");
      return undefined;
    }
    const text = buf.toString("utf8").trim();
    if (text === "") return undefined;
    stats.lines++;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      skip("not JSON");
      return undefined;
    }
    const m = mapRecord(v, format);
    if (!m.ok) {
      skip(reasonKey(m.reason));
      return undefined;
    }
    stats.events++;
    return m.event;
  };
  /** Keeps a piece of the current line unless the line is already over the limit. */
  const take = (piece: Buffer): void => {
    size += piece.length;
    if (size > MAX_LINE_BYTES) {
      tooLong = true;
      parts = [];
    } else if (piece.length > 0) parts.push(piece);
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        take(chunk.subarray(start, nl));
        start = nl + 1;
        const e = finish();
        if (e) yield e;
      }
      take(chunk.subarray(start));
    }
  } catch (e) {
    throw new RuntimeError("EVENTS_UNREADABLE", `cannot read events: ${(e as Error).message}`);
  }
  const last = finish();
  if (last) yield last;
}
