/**
 * Below this many values (containers and leaves together) a document is one JSON.stringify:
 * under a megabyte of text. Splitting a 200-component SBOM cost 14 ms of a 0.26 s warm
 * scan (a stringify and a re-indenting replace per component); one stringify costs ~2 ms.
 */
export const WHOLE_DOCUMENT_VALUES = 20_000;

/**
 * JSON text in pieces, identical to `JSON.stringify(value, null, 2)`, so a report with a
 * million findings is written without ever holding the whole text (V8 strings stop at
 * ~512 MB). A small document is one piece; in a larger one, containers holding a long array
 * are split, one piece per element, and other subtrees are stringified whole, which is faster.
 * `wholeBelow` 0 splits everything (for tests).
 */
export function* jsonChunks(value: unknown, wholeBelow = 64): Generator<string> {
  if (wholeBelow > 0 && fewerValuesThan(value, WHOLE_DOCUMENT_VALUES)) yield whole(value, "", "  ");
  else yield* chunksOf(value, "", "  ", wholeBelow);
  yield "\n";
}

/** Whether `value` holds fewer than `limit` values in all; counts no further than the limit. */
function fewerValuesThan(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  let counted = 1;
  while (pending.length > 0) {
    const v = pending.pop();
    if (!isPlainContainer(v)) continue;
    const inside = Array.isArray(v) ? v : Object.values(v);
    counted += inside.length;
    if (counted >= limit) return false;
    // A loop, not push(...inside): spreading a million findings overflows the stack.
    for (const x of inside) pending.push(x);
  }
  return true;
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
