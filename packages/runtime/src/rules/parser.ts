/**
 * A recursive-descent parser for Falco conditions. It reads characters directly
 * because the meaning of a word depends on where it stands: `/usr/bin/*` or `-c` are
 * bare values after an operator, while the same characters elsewhere are an error.
 * Precedence, loosest first: or, and, not; parentheses group.
 */
import {
  BINARY_OPERATORS,
  LIST_OPERATORS,
  TRANSFORMERS,
  type BinaryOperator,
  type Condition,
  type FieldRef,
  type Literal,
  type Transformer,
  type Value,
} from "./ast.js";

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "ConditionSyntaxError";
  }
}

const WORD_OPERATORS = new Set<string>(BINARY_OPERATORS.filter((o) => /^[a-z]/.test(o)));
const SYMBOL_OPERATORS = ["==", "!=", "<=", ">=", "=", "<", ">"] as const;
const TRANSFORMER_SET = new Set<string>(TRANSFORMERS);
const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_.-]/;
/** Characters that end a bare value. */
const BARE_END = new Set([" ", "\t", "\n", "\r", "(", ")", ",", '"', "'"]);
const MAX_DEPTH = 200;

export function parseCondition(text: string): Condition {
  const p = new Parser(text);
  const c = p.parseOr(0);
  p.skipSpace();
  if (!p.atEnd()) p.fail(`unexpected "${p.peekWord()}"`);
  return c;
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  fail(message: string, at = this.pos): never {
    throw new ConditionSyntaxError(message, at);
  }

  skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  peekWord(): string {
    const m = /^\S{1,30}/.exec(this.s.slice(this.pos));
    return m ? m[0] : "end of condition";
  }

  /** Consumes `word` when it stands alone (not the prefix of a longer identifier). */
  private keyword(word: string): boolean {
    this.skipSpace();
    if (!this.s.startsWith(word, this.pos)) return false;
    const next = this.s[this.pos + word.length];
    if (next !== undefined && IDENT_CHAR.test(next)) return false;
    this.pos += word.length;
    return true;
  }

  parseOr(depth: number): Condition {
    const items = [this.parseAnd(depth)];
    while (this.keyword("or")) items.push(this.parseAnd(depth));
    return items.length === 1 ? items[0]! : { kind: "or", items };
  }

  private parseAnd(depth: number): Condition {
    const items = [this.parseNot(depth)];
    while (this.keyword("and")) items.push(this.parseNot(depth));
    return items.length === 1 ? items[0]! : { kind: "and", items };
  }

  private parseNot(depth: number): Condition {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    if (this.keyword("not")) return { kind: "not", expr: this.parseNot(depth + 1) };
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): Condition {
    this.skipSpace();
    if (this.atEnd()) this.fail("condition ends where an expression was expected");
    if (this.s[this.pos] === "(") {
      const open = this.pos++;
      const inner = this.parseOr(depth + 1);
      this.skipSpace();
      if (this.s[this.pos] !== ")") this.fail(`"(" at ${open} is never closed`);
      this.pos++;
      return inner;
    }
    return this.parseCheck();
  }

  private ident(): string {
    const start = this.pos;
    if (this.atEnd() || !IDENT_START.test(this.s[this.pos]!))
      this.fail(`expected a field or macro name, found "${this.peekWord()}"`);
    while (this.pos < this.s.length && IDENT_CHAR.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** A field, optionally indexed (`x[arg]`) and wrapped in transformers. */
  parseField(): FieldRef {
    this.skipSpace();
    const offset = this.pos;
    const name = this.ident();
    if (this.s[this.pos] === "(" && TRANSFORMER_SET.has(name)) {
      this.pos++;
      const inner = this.parseField();
      this.skipSpace();
      if (this.s[this.pos] !== ")") this.fail(`${name}( is never closed`);
      this.pos++;
      return { ...inner, transformers: [...inner.transformers, name as Transformer], offset };
    }
    const ref: FieldRef = { name, transformers: [], offset };
    if (this.s[this.pos] === "[") {
      const close = this.s.indexOf("]", this.pos);
      if (close < 0) this.fail(`"[" after ${name} is never closed`);
      ref.arg = this.s.slice(this.pos + 1, close);
      this.pos = close + 1;
    }
    return ref;
  }

  private parseCheck(): Condition {
    const start = this.pos;
    const field = this.parseField();
    if (field.name === "and" || field.name === "or")
      this.fail(`"${field.name}" where an expression was expected`, start);
    const op = this.operator();
    if (op === undefined) {
      if (field.arg !== undefined || field.transformers.length > 0 || field.name.includes("."))
        this.fail(`expected an operator after ${field.name}, found "${this.peekWord()}"`);
      return { kind: "macro", name: field.name, offset: start };
    }
    if (op === "exists") return { kind: "compare", field, op, offset: start };
    const value = LIST_OPERATORS.has(op) ? this.parseList() : this.parseScalar();
    return { kind: "compare", field, op, value, offset: start };
  }

  private operator(): BinaryOperator | "exists" | undefined {
    this.skipSpace();
    for (const sym of SYMBOL_OPERATORS) {
      if (this.s.startsWith(sym, this.pos)) {
        this.pos += sym.length;
        return sym;
      }
    }
    const save = this.pos;
    const m = /^[a-z]+/.exec(this.s.slice(this.pos, this.pos + 12));
    if (m) {
      const word = m[0];
      if (word === "exists" || WORD_OPERATORS.has(word)) {
        if (this.keyword(word)) return word as BinaryOperator | "exists";
      }
    }
    this.pos = save;
    return undefined;
  }

  private parseList(): Value {
    this.skipSpace();
    const offset = this.pos;
    if (this.s[this.pos] !== "(") this.fail(`expected "(" to open a list, found "${this.peekWord()}"`);
    this.pos++;
    const items: Literal[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === ")") break;
      items.push(this.literal());
      this.skipSpace();
      if (this.s[this.pos] === ",") this.pos++;
      else if (this.s[this.pos] !== ")") this.fail(`expected "," or ")" in list, found "${this.peekWord()}"`);
    }
    this.pos++;
    return { kind: "list", items, offset };
  }

  private parseScalar(): Value {
    this.skipSpace();
    const offset = this.pos;
    if (this.s.startsWith("val(", this.pos)) {
      this.pos += 4;
      const field = this.parseField();
      this.skipSpace();
      if (this.s[this.pos] !== ")") this.fail("val( is never closed");
      this.pos++;
      return { kind: "field", field, offset };
    }
    return { kind: "literal", literal: this.literal() };
  }

  private literal(): Literal {
    const offset = this.pos;
    const q = this.s[this.pos];
    if (q === '"' || q === "'") return { text: this.quoted(q), quoted: true, offset };
    while (this.pos < this.s.length && !BARE_END.has(this.s[this.pos]!)) this.pos++;
    if (this.pos === offset) this.fail(`expected a value, found "${this.peekWord()}"`);
    return { text: this.s.slice(offset, this.pos), quoted: false, offset };
  }

  private quoted(q: string): string {
    const open = this.pos++;
    let out = "";
    while (this.pos < this.s.length) {
      const c = this.s[this.pos++]!;
      if (c === q) return out;
      if (c === "\\" && this.pos < this.s.length) out += this.s[this.pos++];
      else out += c;
    }
    return this.fail(`string opened with ${q} is never closed`, open);
  }
}
