import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition, FieldRef, Literal, Value } from "./ast.js";
import { ConditionSyntaxError, parseCondition } from "./parser.js";

describe("condition parser", () => {
  it("honours precedence: not > and > or", () => {
    const c = parseCondition("a or b and not c");
    expect(c).toMatchObject({
      kind: "or",
      items: [
        { kind: "macro", name: "a" },
        {
          kind: "and",
          items: [
            { kind: "macro", name: "b" },
            { kind: "not", expr: { kind: "macro", name: "c" } },
          ],
        },
      ],
    });
  });

  it("reads fields with brackets, transformers, bare and quoted values, lists and val()", () => {
    const c = parseCondition(
      `proc.aname[2]=bash and tolower(proc.name) in (sh, "my shell", 'x') and fd.name startswith /etc/ and proc.name = val(proc.pname) and fd.name exists`,
    );
    expect(c.kind).toBe("and");
    const items = (c as Extract<Condition, { kind: "and" }>).items;
    expect(items[0]).toMatchObject({
      field: { name: "proc.aname", arg: "2" },
      op: "=",
      value: { literal: { text: "bash" } },
    });
    expect(items[1]).toMatchObject({ field: { name: "proc.name", transformers: ["tolower"] }, op: "in" });
    expect((items[1] as { value: { items: Literal[] } }).value.items.map((i) => i.text)).toEqual([
      "sh",
      "my shell",
      "x",
    ]);
    expect(items[2]).toMatchObject({ op: "startswith", value: { literal: { text: "/etc/" } } });
    expect(items[3]).toMatchObject({ value: { kind: "field", field: { name: "proc.pname" } } });
    expect(items[4]).toMatchObject({ op: "exists" });
    expect((items[4] as { value?: unknown }).value).toBeUndefined();
  });

  it("does not take a macro whose name starts with a keyword for the keyword", () => {
    expect(parseCondition("open_write and notes_macro or order")).toMatchObject({
      kind: "or",
      items: [{ kind: "and", items: [{ name: "open_write" }, { name: "notes_macro" }] }, { name: "order" }],
    });
  });

  it.each([
    ["proc.name = ", 12],
    ["(proc.name = a", 14],
    ["proc.name in (a, b", 18],
    ['proc.name = "abc', 12],
    ["proc.name = a )", 14],
    ["and", 0],
  ])("reports %j with the offset of the problem", (text, offset) => {
    try {
      parseCondition(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConditionSyntaxError);
      expect((e as ConditionSyntaxError).offset).toBe(offset);
    }
  });
});

// ---- property tests -------------------------------------------------------------

const ident = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
  .filter((s) => !["and", "or", "not", "val", "exists"].includes(s));
const fieldName = fc.tuple(ident, ident).map(([a, b]) => `${a}.${b}`);
const fieldRef: fc.Arbitrary<FieldRef> = fc.record({
  name: fieldName,
  arg: fc.option(fc.stringMatching(/^[a-z0-9/*]{1,6}$/), { nil: undefined }),
  transformers: fc.constantFrom<FieldRef["transformers"]>([], ["tolower"], ["basename", "toupper"]),
  offset: fc.constant(0),
});
const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9/_.*:-]{1,10}$/).map((text) => ({ text, quoted: false, offset: 0 })),
  fc.string({ maxLength: 10 }).map((text) => ({ text, quoted: true, offset: 0 })),
);
const scalarOp = fc.constantFrom(
  "=",
  "!=",
  "<",
  ">=",
  "contains",
  "icontains",
  "startswith",
  "endswith",
  "glob",
  "regex",
);
const listOp = fc.constantFrom("in", "intersects", "pmatch");
const compare: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fieldRef, op: scalarOp, literal }).map(
    ({ field, op, literal }) =>
      ({
        kind: "compare",
        field,
        op,
        value: { kind: "literal", literal } as Value,
        offset: 0,
      }) as Condition,
  ),
  fc.record({ field: fieldRef, op: listOp, items: fc.array(literal, { maxLength: 4 }) }).map(
    ({ field, op, items }) =>
      ({
        kind: "compare",
        field,
        op,
        value: { kind: "list", items, offset: 0 } as Value,
        offset: 0,
      }) as Condition,
  ),
  fc
    .record({ field: fieldRef })
    .map(({ field }) => ({ kind: "compare", field, op: "exists", offset: 0 }) as Condition),
  ident.map((name) => ({ kind: "macro", name, offset: 0 }) as Condition),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    compare,
    fc.array(tie("c"), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: "and", items }) as Condition),
    fc.array(tie("c"), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: "or", items }) as Condition),
    tie("c").map((expr) => ({ kind: "not", expr }) as Condition),
  ),
})).c;

const quote = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const lit = (l: Literal): string => (l.quoted ? quote(l.text) : l.text);
function field(f: FieldRef): string {
  let s = f.arg === undefined ? f.name : `${f.name}[${f.arg}]`;
  for (const t of f.transformers) s = `${t}(${s})`;
  return s;
}
/** Prints a condition fully parenthesised, so its structure is unambiguous. */
function print(c: Condition): string {
  switch (c.kind) {
    case "and":
    case "or":
      return `(${c.items.map(print).join(` ${c.kind} `)})`;
    case "not":
      return `not (${print(c.expr)})`;
    case "macro":
      return c.name;
    case "compare":
      if (c.value === undefined) return `${field(c.field)} exists`;
      if (c.value.kind === "list") return `${field(c.field)} ${c.op} (${c.value.items.map(lit).join(", ")})`;
      if (c.value.kind === "field") return `${field(c.field)} ${c.op} val(${field(c.value.field)})`;
      return `${field(c.field)} ${c.op} ${lit(c.value.literal)}`;
  }
}
/** Structure without offsets, and with single-child groups flattened as the parser does. */
function shape(c: Condition): unknown {
  switch (c.kind) {
    case "and":
    case "or":
      return { k: c.kind, items: c.items.map(shape) };
    case "not":
      return { k: "not", e: shape(c.expr) };
    case "macro":
      return { m: c.name };
    case "compare": {
      const f = (x: FieldRef): unknown => [x.name, x.arg, x.transformers];
      const v = c.value;
      const val =
        v === undefined
          ? null
          : v.kind === "list"
            ? v.items.map((i) => [i.text, i.quoted])
            : v.kind === "field"
              ? f(v.field)
              : [v.literal.text, v.literal.quoted];
      return { f: f(c.field), op: c.op, val };
    }
  }
}

describe("condition parser properties (fast-check)", () => {
  it("print → parse gives back the same tree", () => {
    fc.assert(
      fc.property(condition, (c) => {
        expect(shape(parseCondition(print(c)))).toEqual(shape(c));
      }),
      { numRuns: 500 },
    );
  });

  it("any text either parses or fails with a ConditionSyntaxError at an offset inside it", () => {
    const alphabet = fc.constantFrom(
      ..."abc.()[]=!<>\"' ,\\/*-0123456789".split(""),
      " and ",
      " or ",
      "not ",
      " in ",
      " exists",
      "proc.name",
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.array(alphabet, { maxLength: 30 }).map((a) => a.join("")),
        ),
        (text) => {
          try {
            parseCondition(text);
          } catch (e) {
            expect(e).toBeInstanceOf(ConditionSyntaxError);
            const off = (e as ConditionSyntaxError).offset;
            expect(off).toBeGreaterThanOrEqual(0);
            expect(off).toBeLessThanOrEqual(text.length);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("printed valid conditions with a random cut either parse or fail cleanly", () => {
    fc.assert(
      fc.property(condition, fc.nat(), (c, n) => {
        const text = print(c);
        const cut = text.slice(0, n % (text.length + 1));
        try {
          parseCondition(cut);
        } catch (e) {
          expect(e).toBeInstanceOf(ConditionSyntaxError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a deeply nested condition fails with a syntax error, not a stack overflow", () => {
    expect(() => parseCondition(`${"not ".repeat(5000)}a`)).toThrow(ConditionSyntaxError);
    expect(() => parseCondition(`${"(".repeat(5000)}a${")".repeat(5000)}`)).toThrow(ConditionSyntaxError);
  });
});
