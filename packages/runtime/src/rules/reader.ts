/**
 * Reads a Falco rules file into located items: each top-level entry with its file,
 * line and column, and a mapper from a position inside its condition to the file.
 */
import { readFileSync, statSync } from "node:fs";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { RuntimeError } from "../errors.js";

export interface Location {
  file: string;
  line: number;
  column: number;
}

export const formatLocation = (l: Location): string => `${l.file}:${l.line}:${l.column}`;

export interface RawItem {
  /** The key that says what the item is: rule, macro, list, required_engine_version, … */
  kind: string;
  body: Record<string, unknown>;
  at: Location;
  /** Maps an offset in the condition's value to where that character is in the file. */
  conditionAt?: (offset: number) => Location;
}

const KINDS = ["rule", "macro", "list", "required_engine_version", "required_plugin_versions"];
const MAX_RULE_FILE_BYTES = 16 * 1024 * 1024;

export function readRuleFile(file: string): RawItem[] {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_RULE_FILE_BYTES)
      throw new RuntimeError(
        "RULES_INVALID",
        `${file}: ${size} bytes is over the 16 MiB limit for a rules file`,
      );
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError("RULES_UNREADABLE", `${file}: cannot read: ${(e as Error).message}`);
  }
  return parseRuleText(text, file);
}

export function parseRuleText(text: string, file: string): RawItem[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  const locate = (offset: number): Location => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const problem = (offset: number, msg: string): RuntimeError =>
    new RuntimeError("RULES_INVALID", `${formatLocation(locate(offset))}: ${msg}`);
  const err = doc.errors[0];
  if (err) throw problem(err.pos[0], `YAML syntax error: ${err.message.split("\n")[0]}`);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isSeq(root))
    throw problem(
      root.range?.[0] ?? 0,
      "not a Falco rules file: expected a list of rule, macro and list items at the top level",
    );
  const items: RawItem[] = [];
  for (const node of root.items) {
    const start = (node as Node | null)?.range?.[0] ?? 0;
    if (!isMap(node)) throw problem(start, "each top-level item must be a mapping (rule, macro, list, …)");
    const body = node.toJSON() as Record<string, unknown>;
    const kind = KINDS.find((k) => k in body);
    if (!kind)
      throw problem(
        start,
        `unknown item: expected one of ${KINDS.join(", ")} (keys: ${Object.keys(body).join(", ")})`,
      );
    const cond = node.items.find((p: Pair) => isScalar(p.key) && p.key.value === "condition");
    const item: RawItem = { kind, body, at: locate(start) };
    if (cond && isScalar(cond.value) && cond.value.range) {
      const [from, to] = cond.value.range;
      const value = String(cond.value.value ?? "");
      const source = text.slice(from, to);
      item.conditionAt = (offset) => locate(from + sourceOffset(value, source, offset));
    }
    items.push(item);
  }
  return items;
}

/**
 * Where character `offset` of a scalar's value is in its source text. YAML folding and
 * quoting only change whitespace and quotes, so matching non-space characters in order
 * finds it without re-implementing YAML's scalar rules.
 */
function sourceOffset(value: string, source: string, offset: number): number {
  let s = 0;
  for (let v = 0; v <= offset && v < value.length; v++) {
    const c = value[v]!;
    if (/\s/.test(c)) continue;
    const found = source.indexOf(c, s);
    if (found < 0) break;
    if (v === offset) return found;
    s = found + 1;
  }
  return Math.min(s, source.length);
}
