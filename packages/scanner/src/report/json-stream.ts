/**
 * JSON text in pieces, identical to `JSON.stringify(value, null, 2)`, so a report with a
 * million findings is written without ever holding the whole text (V8 strings stop at
 * ~512 MB). Containers holding a long array are split, one piece per element; other
 * subtrees are stringified whole, which is faster. `wholeBelow` 0 splits everything (for tests).
 */
export function* jsonChunks(value: unknown, wholeBelow = 64): Generator<string> {
  yield* chunksOf(value, "", "  ", wholeBelow);
  yield "\n";
}

function isPlainContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === "object" && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== "function";
}

/** JSON.stringify of a subtree, re-indented to sit at `pad` (JSON strings never hold raw newlines). */
function whole(value: unknown, pad: string, step: string): string {
  const text = JSON.stringify(value, null, step);
  return pad ? text.replace(/\n/g, `\n${pad}`) : text;
}

function* chunksOf(value: unknown, pad: string, step: string, wholeBelow: number): Generator<string> {
  if (!splits(value, wholeBelow)) {
    yield whole(value, pad, step);
    return;
  }
  const inner = pad + step;
  if (Array.isArray(value)) {
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield `${i ? "," : ""}\n${inner}`;
      const item: unknown = value[i];
      // As JSON.stringify: undefined, functions and symbols in arrays become null.
      if (item === undefined || typeof item === "function" || typeof item === "symbol") yield "null";
      else yield* chunksOf(item, inner, step, wholeBelow);
    }
    yield `\n${pad}]`;
    return;
  }
  yield "{";
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    yield `${first ? "" : ","}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* chunksOf(item, inner, step, wholeBelow);
  }
  yield first ? "}" : `\n${pad}}`;
}

/**
 * Split a container that holds a long array anywhere below it (a report's findings, a SARIF
 * run's results); everything else is one piece. Empty containers are always one piece.
 */
function splits(v: unknown, wholeBelow: number): v is Record<string, unknown> | unknown[] {
  if (!isPlainContainer(v)) return false;
  const values = Array.isArray(v) ? v : Object.values(v);
  if (values.length === 0) return false;
  if (wholeBelow === 0 || (Array.isArray(v) && v.length >= wholeBelow)) return true;
  return values.some((x) => splits(x, wholeBelow));
}
