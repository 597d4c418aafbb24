/**
 * JSON text in pieces, identical to `JSON.stringify(value, null, 2)`, so a report with a
 * million findings is written without ever holding the whole text (V8 strings stop at
 * ~512 MB). Long arrays are split into one piece per element; smaller subtrees are
 * stringified whole, which is faster. `wholeBelow` 0 splits everything (for tests).
 */
export function* jsonChunks(value: unknown, wholeBelow = 64): Generator<string> {
  yield* chunksOf(value, "", "  ", wholeBelow, 0);
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

function* chunksOf(
  value: unknown,
  pad: string,
  step: string,
  wholeBelow: number,
  depth: number,
): Generator<string> {
  if (!splits(value, wholeBelow, depth)) {
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
      else yield* chunksOf(item, inner, step, wholeBelow, depth + 1);
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
    yield* chunksOf(item, inner, step, wholeBelow, depth + 1);
  }
  yield first ? "}" : `\n${pad}}`;
}

/**
 * Split long arrays, and the top two levels of objects (where a report keeps its long arrays);
 * everything else is one piece. Empty containers are always one piece ("[]", "{}").
 */
function splits(v: unknown, wholeBelow: number, depth: number): v is Record<string, unknown> | unknown[] {
  if (!isPlainContainer(v)) return false;
  const n = Array.isArray(v) ? v.length : Object.keys(v).length;
  if (n === 0) return false;
  return Array.isArray(v) ? n >= wholeBelow : depth < 2 || wholeBelow === 0;
}
