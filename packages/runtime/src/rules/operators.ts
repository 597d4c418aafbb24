/**
 * Turns one comparison (field type, operator, literal values) into a predicate over the
 * extracted value, once at load time. Literal parsing errors are thrown as
 * CompileProblem so the loader can report the rule's file, line and column.
 */
import safeRegex from "safe-regex2";
import type { Operator, Transformer } from "./ast.js";
import type { FieldType, FieldValue } from "./fields/types.js";
import { compileGlob } from "./glob.js";
import { inNetwork, parseNetwork, type Network } from "./fields/net.js";

export class CompileProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "CompileProblem";
  }
}

export type Pred<T> = (v: T) => boolean;

/** Applies field transformers; the result type follows the last one. */
export function transform(v: FieldValue, ts: readonly Transformer[]): FieldValue {
  let out = v;
  for (const t of ts) out = applyOne(out, t);
  return out;
}

function applyOne(v: FieldValue, t: Transformer): FieldValue {
  if (v === undefined) return undefined;
  if (t === "len") return Array.isArray(v) ? v.length : String(v).length;
  const f = (s: string): string =>
    t === "tolower"
      ? s.toLowerCase()
      : t === "toupper"
        ? s.toUpperCase()
        : t === "b64"
          ? Buffer.from(s, "base64").toString("utf8")
          : (s.split("/").pop() ?? "");
  return Array.isArray(v) ? (v as readonly unknown[]).map((x) => f(String(x))) : f(String(v));
}

export function transformedType(type: FieldType, ts: readonly Transformer[]): FieldType {
  if (ts.length === 0) return type;
  if (ts[ts.length - 1] === "len") return "number";
  return type === "strings" || type === "numbers" || type === "ips" ? "strings" : "string";
}

function stringPred(op: Operator, lits: string[], offset: number): Pred<string> {
  const lit = lits[0] ?? "";
  switch (op) {
    case "=":
    case "==":
      return (v) => v === lit;
    case "!=":
      return (v) => v !== lit;
    case "contains":
    case "bcontains":
      return (v) => v.includes(lit);
    case "icontains": {
      const l = lit.toLowerCase();
      return (v) => v.toLowerCase().includes(l);
    }
    case "startswith":
    case "bstartswith":
      return (v) => v.startsWith(lit);
    case "endswith":
      return (v) => v.endsWith(lit);
    case "glob":
    case "iglob": {
      return compileGlob(lit, op === "iglob");
    }
    case "regex":
      return regexPred(lit, offset);
    case "in":
    case "intersects": {
      const set = new Set(lits);
      return (v) => set.has(v);
    }
    case "pmatch":
      return pmatchPred(lits);
    case "<":
      return (v) => v < lit;
    case "<=":
      return (v) => v <= lit;
    case ">":
      return (v) => v > lit;
    case ">=":
      return (v) => v >= lit;
    default:
      throw new CompileProblem(`operator ${op} needs no value`, offset);
  }
}

function regexPred(source: string, offset: number): Pred<string> {
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (e) {
    throw new CompileProblem(`invalid regex ${JSON.stringify(source)}: ${(e as Error).message}`, offset);
  }
  // Falco uses RE2 (linear time); a backtracking engine must refuse what could explode.
  if (!safeRegex(re))
    throw new CompileProblem(
      `regex ${JSON.stringify(source)} could backtrack catastrophically (nested quantifiers)`,
      offset,
    );
  return (v) => re.test(v);
}

/** Path prefix match: /etc matches /etc and /etc/x but not /etcx. */
function pmatchPred(paths: string[]): Pred<string> {
  const exact = new Set(paths.map((p) => p.replace(/\/+$/, "") || "/"));
  return (v) => {
    if (exact.has(v)) return true;
    for (let i = v.indexOf("/", 1); i > 0; i = v.indexOf("/", i + 1))
      if (exact.has(v.slice(0, i))) return true;
    return exact.has("/") && v.startsWith("/");
  };
}

function parseNumber(text: string, offset: number): number {
  const n = /^-?(0x[0-9a-f]+|\d+(\.\d+)?)$/i.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n)) throw new CompileProblem(`expected a number, found ${JSON.stringify(text)}`, offset);
  return n;
}

function numberPred(op: Operator, lits: string[], offsets: number[]): Pred<number> | undefined {
  if (!["=", "==", "!=", "<", "<=", ">", ">=", "in", "intersects"].includes(op)) return undefined;
  const nums = lits.map((l, i) => parseNumber(l, offsets[i] ?? 0));
  const n = nums[0] ?? 0;
  switch (op) {
    case "=":
    case "==":
      return (v) => v === n;
    case "!=":
      return (v) => v !== n;
    case "<":
      return (v) => v < n;
    case "<=":
      return (v) => v <= n;
    case ">":
      return (v) => v > n;
    case ">=":
      return (v) => v >= n;
    default: {
      const set = new Set(nums);
      return (v) => set.has(v);
    }
  }
}

function ipPred(op: Operator, lits: string[], offsets: number[]): Pred<readonly string[]> | undefined {
  if (!["=", "==", "!=", "in", "intersects"].includes(op)) return undefined;
  const nets: Network[] = lits.map((l, i) => {
    const n = parseNetwork(l);
    if (!n)
      throw new CompileProblem(
        `expected an IP address or CIDR network, found ${JSON.stringify(l)}`,
        offsets[i] ?? 0,
      );
    return n;
  });
  const any = (ips: readonly string[]): boolean => ips.some((ip) => nets.some((n) => inNetwork(ip, n)));
  return op === "!=" ? (ips) => !any(ips) : any;
}

/** The predicate over an extracted (and transformed) value; undefined never matches. */
export function comparison(
  type: FieldType,
  op: Operator,
  lits: string[],
  offsets: number[],
): Pred<FieldValue> {
  if (op === "exists") return (v) => v !== undefined;
  const at = offsets[0] ?? 0;
  if (type === "bool") {
    if (op !== "=" && op !== "==" && op !== "!=")
      throw new CompileProblem(`operator ${op} does not apply to a boolean field`, at);
    const want = lits[0]?.toLowerCase() === "true";
    return op === "!=" ? (v) => v !== undefined && v !== want : (v) => v === want;
  }
  if (type === "number" || type === "numbers") {
    const p = numberPred(op, lits, offsets);
    if (p) return type === "number" ? (v) => typeof v === "number" && p(v) : anyOf(op, p as Pred<unknown>);
  }
  if (type === "ips") {
    const p = ipPred(op, lits, offsets);
    if (p) return (v) => Array.isArray(v) && p(v as string[]);
  }
  const sp = stringPred(op, lits, at);
  if (type === "string" || type === "number")
    return (v) => v !== undefined && !Array.isArray(v) && sp(String(v));
  return anyOf(op, (x) => sp(String(x)));
}

/** Multi-valued fields: any element matches; `!=` means no element equals. */
function anyOf(op: Operator, p: Pred<unknown>): Pred<FieldValue> {
  if (op === "!=") {
    return (v) => Array.isArray(v) && (v as readonly unknown[]).every((x) => p(x));
  }
  return (v) => Array.isArray(v) && (v as readonly unknown[]).some((x) => p(x));
}
