import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

/**
 * The 1-based line of the YAML node at a JSON pointer (ajv's instancePath), or of the key
 * `key` inside it. Falls back to the nearest ancestor that exists, so an error always has a line.
 */
export function lineOf(doc: Document, lines: LineCounter, pointer: string, key?: string): number {
  const path = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = doc.contents;
  let best = offsetOf(node) ?? 0;
  for (const part of [...path, ...(key !== undefined ? [key] : [])]) {
    const next = child(node, part);
    if (!next) break;
    best = next.offset ?? best;
    node = next.node;
  }
  return lines.linePos(best).line;
}

function offsetOf(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

function child(node: unknown, part: string): { node: unknown; offset?: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === part);
    if (!pair) return undefined;
    // The key's line: where a reader looks for the field the error names.
    return { node: pair.value, offset: offsetOf(pair.key) };
  }
  if (isSeq(node)) {
    const item = node.items[Number(part)];
    return item ? { node: item, offset: offsetOf(item) } : undefined;
  }
  return undefined;
}
