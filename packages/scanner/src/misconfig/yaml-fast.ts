import {
  COLLECTION_STYLE,
  EVENT_ID,
  SCALAR_STYLE,
  getScalarValue,
  parseEvents,
  type Event,
  type ScalarEvent,
} from "js-yaml";
import type { Path, YamlDoc } from "./yaml-doc.js";
import { LineIndex } from "@bulwark/model";

/**
 * A fast path for the YAML that manifests are made of. js-yaml's event parser is about ten
 * times faster than the `yaml` package's syntax tree, and its events carry source offsets,
 * so values and key lines come out of one pass. Plain scalars are resolved here with the
 * YAML 1.2 core schema exactly as the `yaml` package does, so both paths give the same
 * values. Anything this does not handle (anchors, aliases, tags, complex keys, directives,
 * any parse error) makes it return undefined and the caller uses the full `yaml` parser,
 * which also produces the error messages and enforces the alias limit.
 */

/** Where a node sits: the offset of its key (maps) or of the item (sequences). Lines are computed on demand. */
interface Pos {
  offset: number;
  kids?: Map<string, Pos>;
}

class Unsupported extends Error {}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_TRUE = /^(?:[Tt]rue|TRUE)$/;
const BOOL_FALSE = /^(?:[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const PLAIN_SPECIAL_START = new Set("~nNtTfF0123456789+-.");

/** YAML 1.2 core schema resolution of a plain scalar, as the yaml package does by default. */
export function plain(s: string): unknown {
  // Most plain scalars are words; only these first characters can start a non-string.
  if (s.length > 0 && !PLAIN_SPECIAL_START.has(s[0]!)) return s;
  if (NULL.test(s)) return null;
  if (BOOL_TRUE.test(s)) return true;
  if (BOOL_FALSE.test(s)) return false;
  if (INT.test(s)) return parseInt(s, 10);
  if (OCT.test(s)) return parseInt(s.slice(2), 8);
  if (HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT.test(s)) return parseFloat(s);
  if (INF_NAN.test(s))
    return s.endsWith("nan") || s.endsWith("NaN") || s.endsWith("NAN")
      ? NaN
      : s.startsWith("-")
        ? -Infinity
        : Infinity;
  return s;
}

function isBlockScalar(e: ScalarEvent): boolean {
  return e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK;
}

/** Walks js-yaml's flat event list; each node method consumes exactly its own events. */
class Converter {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly events: Event[],
  ) {}

  next(): Event {
    const e = this.events[this.i++];
    if (!e) throw new Unsupported();
    return e;
  }

  peek(): Event | undefined {
    return this.events[this.i];
  }

  /**
   * Where the `yaml` package's syntax tree puts a node: its first character, and for a block
   * scalar its header (`|`, `>`), which is on the line before the content js-yaml points at.
   * Undefined for an empty scalar.
   */
  offsetOf(e: Event): number | undefined {
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return e.start;
    if (e.type !== EVENT_ID.SCALAR || e.valueStart < 0) return undefined;
    return isBlockScalar(e) ? e.valueStart - 1 : e.valueStart;
  }

  value(pos: Pos): unknown {
    const e = this.next();
    if (e.type === EVENT_ID.SCALAR) return this.scalar(e);
    if (e.type !== EVENT_ID.MAPPING && e.type !== EVENT_ID.SEQUENCE) throw new Unsupported();
    if (e.anchorStart >= 0 || e.tagStart >= 0) throw new Unsupported();
    // A flow sequence entry "a: b" is a one-pair mapping without braces; leave it to the full parser.
    if (e.style === COLLECTION_STYLE.FLOW && this.text[e.start] !== (e.type === EVENT_ID.MAPPING ? "{" : "["))
      throw new Unsupported();
    return e.type === EVENT_ID.MAPPING ? this.map(pos) : this.seq(e, pos);
  }

  scalar(e: ScalarEvent): unknown {
    if (e.anchorStart >= 0 || e.tagStart >= 0) throw new Unsupported();
    const s = getScalarValue(this.text, e);
    return e.style === SCALAR_STYLE.PLAIN ? plain(s) : s;
  }

  map(pos: Pos): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    pos.kids = new Map();
    for (;;) {
      const k = this.next();
      if (k.type === EVENT_ID.POP) return out;
      // Only one-line scalar keys; an empty key has no position to report.
      if (k.type !== EVENT_ID.SCALAR || k.valueStart < 0 || isBlockScalar(k)) throw new Unsupported();
      const source = this.text.slice(k.valueStart, k.valueEnd);
      if (source.includes("\n") || source.length > 1024) throw new Unsupported();
      const jsKey = this.scalar(k);
      const key = jsKey === null ? "" : String(jsKey);
      const child: Pos = { offset: k.valueStart };
      const v = this.value(child);
      if (key === "__proto__")
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      pos.kids.set(key, child);
    }
  }

  seq(e: Event, pos: Pos): unknown[] {
    const out: unknown[] = [];
    pos.kids = new Map();
    let dashes: number[] | undefined;
    for (;;) {
      const item = this.peek();
      if (!item) throw new Unsupported();
      if (item.type === EVENT_ID.POP) {
        this.i++;
        if (dashes && dashes.length !== out.length) throw new Unsupported();
        return out;
      }
      let at = this.offsetOf(item);
      // An empty item ("-" alone) is reported at its dash, which js-yaml does not give: find it.
      if (at === undefined && e.type === EVENT_ID.SEQUENCE && e.style === COLLECTION_STYLE.BLOCK) {
        dashes ??= blockSequenceDashes(this.text, e.start);
        at = dashes[out.length];
      }
      if (at === undefined) throw new Unsupported();
      const child: Pos = { offset: at };
      out.push(this.value(child));
      pos.kids.set(String(out.length - 1), child);
    }
  }
}

/**
 * The dashes of a block sequence starting at `start`: every later line whose indentation
 * equals the first dash's column and that starts with "- " (or a lone "-") is an item.
 * Deeper lines are item content, comment lines may sit anywhere, anything else ends it.
 */
export function blockSequenceDashes(text: string, start: number): number[] {
  const column = start - (text.lastIndexOf("\n", start - 1) + 1);
  const out = [start];
  for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", nl + 1)) {
    const lineStart = nl + 1;
    let p = lineStart;
    while (text[p] === " ") p++;
    const c = text[p];
    if (c === undefined || c === "\n" || c === "\r" || c === "#" || p - lineStart > column) continue;
    const after = text[p + 1];
    if (
      p - lineStart < column ||
      c !== "-" ||
      !(after === undefined || after === " " || after === "\n" || after === "\r")
    )
      break;
    out.push(p);
  }
  return out;
}

function lineAt(lines: LineIndex, root: Pos, path: Path): number {
  let node = root;
  for (const seg of path) {
    const next = node.kids?.get(String(seg));
    if (!next) break;
    node = next;
  }
  return lines.line(node.offset);
}

/** Offsets of the `---` document markers: at column 0 they can only be markers. */
function documentMarkers(text: string): number[] {
  const out: number[] = [];
  for (
    let i = text.startsWith("---") ? 0 : text.indexOf("\n---");
    i !== -1;
    i = text.indexOf("\n---", i + 1)
  ) {
    const at = text[i] === "\n" ? i + 1 : i;
    const after = text[at + 3];
    if (after === undefined || after === " " || after === "\n" || after === "\r" || after === "\t")
      out.push(at);
  }
  return out;
}

function parseEventsOrUndefined(text: string): Event[] | undefined {
  try {
    return parseEvents(text, {});
  } catch {
    return undefined;
  }
}

/** Parses like parseYamlDocuments, or returns undefined when the text needs the full parser. */
export function parseYamlFast(text: string): YamlDoc[] | undefined {
  // Tabs are only legal inside scalars and the full parser owns those rules; a BOM shifts offsets.
  if (text.includes("\t") || text.charCodeAt(0) === 0xfeff) return undefined;
  const events = parseEventsOrUndefined(text);
  if (!events) return undefined;
  const lines = new LineIndex(text);
  const markers = documentMarkers(text);
  const conv = new Converter(text, events);
  const found: Array<{ root: Pos; value: unknown; marker?: number }> = [];
  let used = 0;
  try {
    for (let e = conv.peek(); e; e = conv.peek()) {
      const doc = conv.next();
      if (doc.type !== EVENT_ID.DOCUMENT || doc.directives.length) return undefined;
      const marker = doc.explicitStart ? markers[used++] : undefined;
      // A later document without `---` (after `...`) has no offset to start from.
      if ((doc.explicitStart && marker === undefined) || (!doc.explicitStart && found.length))
        return undefined;
      const first = conv.peek();
      const offset = (first && conv.offsetOf(first)) ?? marker;
      if (offset === undefined) return undefined;
      const root: Pos = { offset };
      const value = conv.value(root);
      if (conv.next().type !== EVENT_ID.POP) return undefined;
      found.push({ root, value, ...(marker !== undefined ? { marker } : {}) });
    }
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  if (used !== markers.length) return undefined;
  const totalLines = lines.starts.length;
  return found.map(({ root, value, marker }, index): YamlDoc => {
    const startLine = lines.line(root.offset);
    const next = found[index + 1];
    return {
      index,
      value,
      startLine,
      headerStartLine: index === 0 ? 1 : marker !== undefined ? lines.line(marker) : startLine,
      endLine: next ? lines.line(next.marker ?? next.root.offset) - 1 : totalLines,
      lineAt: (path) => lineAt(lines, root, path),
    };
  });
}
