/**
 * RFC 822-style control stanzas (dpkg status, status.d): "Field: value" lines,
 * continuation lines start with a space or tab, stanzas are separated by blank lines.
 */
import { parseError } from "./util.js";

export type Stanza = Map<string, string>;

/** What the streaming reader needs of a file: its size and reads of parts of it. */
export interface RangeSource {
  size: number;
  readRange(offset: number, length: number): Promise<Buffer>;
}

/** How much of a file one streaming read asks for: bounded memory, few reads. */
export const STANZA_CHUNK_BYTES = 4 * 1024 * 1024;

export function parseStanzas(text: string, what: string): Stanza[] {
  return [...iterStanzas(text, what)];
}

/**
 * The line-by-line state of a stanza parse, shared by the whole-text and the streaming reader
 * so both see exactly the same stanzas and the same errors.
 */
class StanzaBuilder {
  private current: Stanza = new Map();
  private lastField: string | undefined;
  private seen = false;
  private lineNo = 0;

  constructor(
    private readonly what: string,
    private readonly keep: ReadonlySet<string> | undefined,
  ) {}

  /** Takes one line (without its "\n"); returns a stanza the line completed. */
  line(raw: string): Stanza | undefined {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    this.lineNo++;
    if (line.trim() === "") return this.finish();
    if (line.startsWith(" ") || line.startsWith("\t")) {
      const field = this.lastField;
      if (field === undefined)
        throw parseError(`${this.what}: line ${this.lineNo}: continuation without a field`);
      if (this.current.has(field))
        this.current.set(field, `${this.current.get(field) ?? ""}\n${line.slice(1)}`);
      return undefined;
    }
    if (line.startsWith("#")) return undefined;
    const colon = line.indexOf(":");
    if (colon <= 0) throw parseError(`${this.what}: line ${this.lineNo}: expected "Field: value"`);
    // Field names are case-insensitive in deb822: store them lower-cased.
    const field = line.slice(0, colon).trim().toLowerCase();
    this.lastField = field;
    this.seen = true;
    if (!this.keep || this.keep.has(field)) this.current.set(field, line.slice(colon + 1).trim());
    return undefined;
  }

  /** The stanza in progress, if it has a field (at a blank line or the end of the input). */
  finish(): Stanza | undefined {
    const done = this.seen ? this.current : undefined;
    this.current = new Map();
    this.lastField = undefined;
    this.seen = false;
    return done;
  }
}

/**
 * Stanzas one at a time, keeping only the fields in `keep` (all when absent). Lines are
 * found with indexOf rather than split, so a large text is never held as millions of line
 * strings, and the long Description fields nobody reads are never copied.
 */
export function* iterStanzas(text: string, what: string, keep?: ReadonlySet<string>): Generator<Stanza> {
  const builder = new StanzaBuilder(what, keep);
  for (let pos = 0; pos < text.length;) {
    const nl = text.indexOf("\n", pos);
    const end = nl < 0 ? text.length : nl;
    const done = builder.line(text.slice(pos, end));
    pos = end + 1;
    if (done) yield done;
  }
  const last = builder.finish();
  if (last) yield last;
}

/**
 * The same stanzas as `iterStanzas` of the file's text, read `chunk` bytes at a time: memory
 * holds one chunk and the kept fields, never the file or its string (a 250 MB dpkg status).
 * Lines are cut in the bytes and decoded one by one: "\n" never occurs inside a UTF-8
 * sequence, so this decodes as the whole text would. Decoding a chunk as one string instead
 * would keep every chunk alive, since V8's slices of a string (the kept values) hold it.
 */
export async function* streamStanzas(
  file: RangeSource,
  what: string,
  keep?: ReadonlySet<string>,
  chunk = STANZA_CHUNK_BYTES,
): AsyncGenerator<Stanza> {
  const builder = new StanzaBuilder(what, keep);
  // The start of a line a chunk cut, in pieces until its newline arrives (a record longer
  // than a chunk is joined once, not chunk by chunk).
  let pending: Buffer[] = [];
  for (let offset = 0; offset < file.size;) {
    const bytes = await file.readRange(offset, Math.min(chunk, file.size - offset));
    if (bytes.length === 0) break;
    if (bytes.includes(0)) throw parseError(`${what}: binary content where text was expected`);
    offset += bytes.length;
    let pos = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, pos)) {
      let line = bytes.subarray(pos, nl);
      if (pending.length > 0) {
        line = Buffer.concat([...pending, line]);
        pending = [];
      }
      const done = builder.line(line.toString("utf8"));
      pos = nl + 1;
      if (done) yield done;
    }
    if (pos < bytes.length) pending.push(bytes.subarray(pos));
  }
  if (pending.length > 0) {
    const done = builder.line(Buffer.concat(pending).toString("utf8"));
    if (done) yield done;
  }
  const last = builder.finish();
  if (last) yield last;
}
