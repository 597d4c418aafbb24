/**
 * Falco output templates: `%field` (and `%field[arg]`) replaced by the field's value,
 * `<NA>` when the event has none. Compiled once into literal pieces and extractors.
 */
import type { RuntimeEvent } from "../events/types.js";
import type { FieldLookup } from "./compiler.js";
import type { EvalContext, Extractor } from "./fields/types.js";

export type Renderer<E = RuntimeEvent> = (e: E, ctx: EvalContext) => string;

const FIELD_REF = /%([A-Za-z_][A-Za-z0-9_.]*)(\[[^\]]*\])?/g;

/** Output-only shorthands Falco expands. */
const ALIASES: Record<string, string> = {
  "container.info": "container_id=%container.id container_name=%container.name",
};

export interface CompiledOutput<E = RuntimeEvent> {
  render: Renderer<E>;
  /** Fields in the template Bulwark cannot supply (rendered as <NA>). */
  unknown: string[];
}

export function compileOutput<E = RuntimeEvent>(template: string, lookup: FieldLookup<E>): CompiledOutput<E> {
  const text = template.replace(/%(container\.info)\b/g, (_m, k: string) => ALIASES[k] ?? "");
  const pieces: Array<string | Extractor<E>> = [];
  const unknown: string[] = [];
  let last = 0;
  for (const m of text.matchAll(FIELD_REF)) {
    pieces.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1]!.replace(/\.$/, "");
    const arg = m[2]?.slice(1, -1);
    const def = lookup(name);
    if (!def) {
      unknown.push(m[0].slice(1));
      pieces.push("<NA>");
      continue;
    }
    pieces.push(def.bind(arg));
    if (m[1]!.endsWith(".")) pieces.push(".");
  }
  pieces.push(text.slice(last));
  const render: Renderer<E> = (e, ctx) => {
    let out = "";
    for (const p of pieces) {
      if (typeof p === "string") out += p;
      else {
        const v = p(e, ctx);
        out += v === undefined ? "<NA>" : Array.isArray(v) ? v.join(",") : String(v);
      }
    }
    return out;
  };
  return { render, unknown };
}
