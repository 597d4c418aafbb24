/**
 * A parser for the part of HCL that Vault policies use: blocks with string labels,
 * attributes, strings, numbers, booleans, lists and objects, and the three comment forms.
 * Input is untrusted (it arrives over the API); every failure is a VaultError naming the line.
 */
import { VaultError } from "../errors.js";

export type HclValue = string | number | boolean | HclValue[] | { [k: string]: HclValue };
export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
}
export interface HclBody {
  attributes: Record<string, HclValue>;
  blocks: HclBlock[];
}

type Tok =
  | { k: "ident" | "string" | "number"; v: string; line: number }
  | { k: "punct"; v: string; line: number }
  | { k: "eof"; v: ""; line: number };

const MAX_DEPTH = 32;

function syntax(line: number, msg: string): VaultError {
  return new VaultError("VAULT_POLICY_SYNTAX", `failed to parse policy: line ${line}: ${msg}`);
}

function readString(src: string, start: number, line: number): [string, number] {
  let out = "";
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') return [out, i + 1];
    if (c === "\n") break;
    if (c === "\\") {
      const n = src[i + 1];
      const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
      if (n !== undefined && map[n] !== undefined) {
        out += map[n];
        i += 2;
        continue;
      }
      if (n === "u" && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      throw syntax(line, "invalid escape in string");
    }
    out += c;
    i++;
  }
  throw syntax(line, "unterminated string");
}

export function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === "#" || (c === "/" && src[i + 1] === "/")) {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) throw syntax(line, "unterminated comment");
      line += (src.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === '"') {
      const [v, next] = readString(src, i, line);
      toks.push({ k: "string", v, line });
      i = next;
    } else if ("{}[]=,:".includes(c)) {
      toks.push({ k: "punct", v: c, line });
      i++;
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i, i + 64));
      if (!m) throw syntax(line, `unexpected "${c}"`);
      toks.push({ k: "number", v: m[0], line });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256))!;
      toks.push({ k: "ident", v: m[0], line });
      i += m[0].length;
    } else throw syntax(line, `unexpected character ${JSON.stringify(c)}`);
  }
  toks.push({ k: "eof", v: "", line });
  return toks;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.k !== "punct" || t.v !== v) throw syntax(t.line, `expected "${v}", found ${describe(t)}`);
  }

  body(depth: number, closing: boolean): HclBody {
    const body: HclBody = { attributes: {}, blocks: [] };
    if (depth > MAX_DEPTH) throw syntax(this.peek().line, "nesting too deep");
    for (;;) {
      const t = this.peek();
      if (t.k === "eof") {
        if (closing) throw syntax(t.line, 'expected "}" before end of input');
        return body;
      }
      if (t.k === "punct" && t.v === "}" && closing) {
        this.next();
        return body;
      }
      if (t.k !== "ident" && t.k !== "string") throw syntax(t.line, `unexpected ${describe(t)}`);
      this.next();
      const after = this.peek();
      if (after.k === "punct" && (after.v === "=" || after.v === ":")) {
        this.next();
        if (Object.hasOwn(body.attributes, t.v)) throw syntax(t.line, `duplicate attribute "${t.v}"`);
        body.attributes[t.v] = this.value(depth + 1);
        continue;
      }
      const labels: string[] = [];
      while (this.peek().k === "string") labels.push(this.next().v);
      this.expect("{");
      body.blocks.push({ type: t.v, labels, body: this.body(depth + 1, true) });
    }
  }

  value(depth: number): HclValue {
    if (depth > MAX_DEPTH) throw syntax(this.peek().line, "nesting too deep");
    const t = this.next();
    if (t.k === "string") return t.v;
    if (t.k === "number") return Number(t.v);
    if (t.k === "ident" && (t.v === "true" || t.v === "false")) return t.v === "true";
    if (t.k === "punct" && t.v === "[") return this.list(depth);
    if (t.k === "punct" && t.v === "{") return this.object(depth);
    throw syntax(t.line, `expected a value, found ${describe(t)}`);
  }

  private list(depth: number): HclValue[] {
    const out: HclValue[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === "punct" && t.v === "]") {
        this.next();
        return out;
      }
      out.push(this.value(depth + 1));
      const sep = this.peek();
      if (sep.k === "punct" && sep.v === ",") this.next();
      else if (!(sep.k === "punct" && sep.v === "]"))
        throw syntax(sep.line, `expected "," or "]", found ${describe(sep)}`);
    }
  }

  private object(depth: number): { [k: string]: HclValue } {
    const out: { [k: string]: HclValue } = {};
    for (;;) {
      const t = this.next();
      if (t.k === "punct" && t.v === "}") return out;
      if (t.k !== "ident" && t.k !== "string") throw syntax(t.line, `expected a key, found ${describe(t)}`);
      const sep = this.next();
      if (!(sep.k === "punct" && (sep.v === "=" || sep.v === ":")))
        throw syntax(sep.line, `expected "=" after "${t.v}"`);
      Object.defineProperty(out, t.v, {
        value: this.value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      const comma = this.peek();
      if (comma.k === "punct" && comma.v === ",") this.next();
    }
  }
}

function describe(t: Tok): string {
  return t.k === "eof" ? "end of input" : JSON.stringify(t.v);
}

export function parseHcl(src: string): HclBody {
  return new Parser(tokenize(src)).body(0, false);
}
