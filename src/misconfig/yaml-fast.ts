import { CST, LineCounter, Parser } from "yaml";
import type { Path, YamlDoc } from "./yaml-source.js";

/**
 * A fast path for the YAML that manifests are made of: it converts the `yaml` package's
 * concrete syntax tree straight to plain values and a line table, skipping the Document
 * model (about half of the parse cost). Anything it does not handle (anchors, aliases,
 * tags, complex keys, errors) makes it return undefined and the caller uses the full
 * parser, which also produces the error messages and enforces the alias limit.
 */
type Token = CST.Token;
type SourceToken = CST.SourceToken;

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
const BAD_PROPS = new Set(["anchor", "tag", "explicit-key-ind", "flow-error-end"]);

/** YAML 1.2 core schema resolution of a plain scalar, as the yaml package does by default. */
function plain(s: string): unknown {
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

function checkProps(tokens: readonly (SourceToken | Token)[] | undefined): void {
  if (tokens)
    for (const t of tokens) if (BAD_PROPS.has(t.type) || t.type === "error") throw new Unsupported();
}

class Converter {
  constructor(
    private readonly lc: LineCounter,
    private readonly text: string,
  ) {}

  line(offset: number): number {
    return this.lc.linePos(offset).line;
  }

  private sameLine(a: number, b: number): boolean {
    const nl = this.text.indexOf("\n", a);
    return nl === -1 || nl > b;
  }

  scalar(token: Token): unknown {
    if (token.type === "block-scalar") {
      for (const p of token.props) if (p.type === "anchor" || p.type === "tag") throw new Unsupported();
    } else if (
      token.type !== "scalar" &&
      token.type !== "single-quoted-scalar" &&
      token.type !== "double-quoted-scalar"
    )
      throw new Unsupported();
    if ("end" in token) checkProps(token.end);
    let failed = false;
    const r = CST.resolveAsScalar(token, true, () => (failed = true));
    if (failed || !r) throw new Unsupported();
    return token.type === "scalar" ? plain(r.value) : r.value;
  }

  value(token: Token | null | undefined, pos: Pos): unknown {
    if (!token) return null;
    switch (token.type) {
      case "block-map":
        return this.map(token.items, pos);
      case "block-seq":
        return this.seq(token.items, pos);
      case "flow-collection": {
        checkProps(token.end);
        const close = token.start.type === "flow-map-start" ? "flow-map-end" : "flow-seq-end";
        if (!token.end.some((t) => t.type === close)) throw new Unsupported();
        checkProps([token.start]);
        return token.start.type === "flow-map-start"
          ? this.map(token.items, pos)
          : this.seq(token.items, pos, true);
      }
      default:
        return this.scalar(token);
    }
  }

  map(items: readonly CST.CollectionItem[], pos: Pos): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    pos.kids = new Map();
    for (const item of items) {
      checkProps(item.start);
      checkProps(item.sep);
      if ((item as { explicitKey?: true }).explicitKey || !item.key) throw new Unsupported();
      // An implicit key must be followed by ':'; the composer reports it, so leave it to it.
      if (!item.sep?.some((t) => t.type === "map-value-ind")) throw new Unsupported();
      const k = item.key;
      if (
        k.type === "block-map" ||
        k.type === "block-seq" ||
        k.type === "flow-collection" ||
        k.type === "alias"
      )
        throw new Unsupported();
      // Implicit keys must fit on one line and in 1024 characters; the composer reports those.
      if ("source" in k && (k.source.includes("\n") || k.source.length > 1024)) throw new Unsupported();
      const jsKey = this.scalar(k);
      const key = jsKey === null ? "" : String(jsKey);
      const child: Pos = { offset: k.offset };
      // A block collection starting on its key's line ("a: b: c") is an error the composer reports.
      const val = item.value;
      if (
        val &&
        (val.type === "block-map" || val.type === "block-seq") &&
        this.sameLine(k.offset, val.offset)
      )
        throw new Unsupported();
      const v = this.value(val, child);
      if (key === "__proto__")
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      pos.kids.set(key, child);
    }
    return out;
  }

  seq(items: readonly CST.CollectionItem[], pos: Pos, flow = false): unknown[] {
    const out: unknown[] = [];
    pos.kids = new Map();
    for (const item of items) {
      checkProps(item.start);
      if (item.key || (flow && item.sep?.length)) throw new Unsupported();
      const ind = item.start.find((t) => t.type === "seq-item-ind");
      const at = item.value?.offset ?? ind?.offset;
      if (at === undefined) continue;
      const child: Pos = { offset: at };
      out.push(this.value(item.value, child));
      pos.kids.set(String(out.length - 1), child);
    }
    return out;
  }
}

function lineAt(lc: LineCounter, root: Pos, path: Path): number {
  let node = root;
  for (const seg of path) {
    const next = node.kids?.get(String(seg));
    if (!next) break;
    node = next;
  }
  return lc.linePos(node.offset).line;
}

/** Parses like parseYamlDocuments, or returns undefined when the text needs the full parser. */
export function parseYamlFast(text: string): YamlDoc[] | undefined {
  // Tabs are only legal inside scalars and the composer owns the indentation rules: step aside.
  if (text.includes("\t")) return undefined;
  const lc = new LineCounter();
  const conv = new Converter(lc, text);
  const docs: CST.Document[] = [];
  for (const token of new Parser(lc.addNewLine).parse(text)) {
    if (token.type === "document") docs.push(token);
    else if (
      token.type === "doc-end" ||
      token.type === "comment" ||
      token.type === "space" ||
      token.type === "newline"
    )
      continue;
    else return undefined;
  }
  const totalLines = lc.lineStarts.length;
  const out: YamlDoc[] = [];
  try {
    for (const [index, doc] of docs.entries()) {
      checkProps(doc.start);
      checkProps(doc.end);
      if (doc.start.some((t) => t.type === "directive-line" || (t.type as string) === "error"))
        return undefined;
      const marker = doc.start.find((t) => t.type === "doc-start");
      const root: Pos = { offset: doc.value?.offset ?? marker?.offset ?? doc.offset };
      const startLine = conv.line(root.offset);
      const value = conv.value(doc.value, root);
      const next = docs[index + 1];
      const nextMarker = next?.start.find((t) => t.type === "doc-start");
      out.push({
        index,
        value,
        startLine,
        headerStartLine: index === 0 ? 1 : marker ? conv.line(marker.offset) : startLine,
        endLine: next ? conv.line((nextMarker ?? next).offset) - 1 : totalLines,
        lineAt: (path) => lineAt(lc, root, path),
      });
    }
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  return out;
}
