/**
 * Falco rule exceptions become part of the condition: `cond and not (exc1 or exc2 …)`,
 * where each exception is an OR over its value tuples of AND over its fields.
 */
import { RuntimeError } from "../errors.js";
import {
  type Condition,
  type FieldRef,
  type Literal,
  type Operator,
  type Value,
  BINARY_OPERATORS,
} from "./ast.js";
import type { ExceptionDef } from "./definitions.js";
import { parseCondition } from "./parser.js";
import { formatLocation, type Location } from "./reader.js";

const OPS = new Set<string>(BINARY_OPERATORS);

function fieldRef(name: string, at: Location): FieldRef {
  try {
    const c = parseCondition(`${name} exists`);
    if (c.kind === "compare") return c.field;
  } catch {
    // reported below
  }
  throw new RuntimeError("RULES_INVALID", `${formatLocation(at)}: exception field "${name}" is not a field`);
}

const lit = (v: unknown): Literal => ({ text: String(v), quoted: true, offset: 0 });

function valueFor(op: Operator, v: unknown): Value {
  if (Array.isArray(v)) return { kind: "list", items: v.map(lit), offset: 0 };
  return op === "in" || op === "intersects" || op === "pmatch"
    ? { kind: "list", items: [lit(v)], offset: 0 }
    : { kind: "literal", literal: lit(v) };
}

function one(rule: string, e: ExceptionDef, at: Location): Condition {
  const bad = (m: string): RuntimeError =>
    new RuntimeError("RULES_INVALID", `${formatLocation(at)}: rule ${rule}: exception ${e.name}: ${m}`);
  const checkOp = (op: string): Operator => {
    if (!OPS.has(op)) throw bad(`unknown comparison "${op}"`);
    return op as Operator;
  };
  if (typeof e.fields === "string") {
    // One field: values is a flat list, compared with `in` unless comps says otherwise.
    const op = checkOp(typeof e.comps === "string" ? e.comps : "in");
    const value: Value =
      op === "in" || op === "intersects" || op === "pmatch"
        ? { kind: "list", items: e.values.map(lit), offset: 0 }
        : valueFor(op, e.values[0]);
    return { kind: "compare", field: fieldRef(e.fields, at), op, value, offset: 0 };
  }
  const fields = e.fields.map((f) => fieldRef(f, at));
  const comps = Array.isArray(e.comps) ? e.comps.map(checkOp) : fields.map(() => "=" as Operator);
  if (comps.length !== fields.length) throw bad("comps and fields differ in length");
  const tuples = e.values.map((t) => {
    if (!Array.isArray(t) || t.length !== fields.length)
      throw bad("each value must be a list with one entry per field");
    const items: Condition[] = fields.map((f, i) => ({
      kind: "compare",
      field: f,
      op: comps[i]!,
      value: valueFor(comps[i]!, t[i]),
      offset: 0,
    }));
    return { kind: "and", items } as Condition;
  });
  return tuples.length === 0 ? { kind: "or", items: [] } : { kind: "or", items: tuples };
}

export function exceptionsCondition(rule: string, excs: ExceptionDef[], at: Location): Condition {
  return { kind: "or", items: excs.map((e) => one(rule, e, at)) };
}
