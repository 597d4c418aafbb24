import { parseYamlFast } from "./yaml-fast.js";
import { reindentQuotedScalars } from "./yaml-repair.js";
import { LineCounter, isMap, isSeq, isScalar, parseAllDocuments, type Document, type Node } from "yaml";
import type { Path, YamlDoc } from "./yaml-doc.js";

export type { Path, YamlDoc };

/** Guards against billion-laughs documents: yaml refuses to expand more aliases than this. */
export const MAX_ALIAS_COUNT = 100;

export class YamlError extends Error {}

/**
 * Parses every document of a YAML stream with line positions. Throws YamlError on a
 * syntax error or an alias-expansion attack; the caller records it against the file.
 */
export function parseYamlDocuments(text: string): YamlDoc[] {
  const fast = parseYamlFast(text);
  if (fast) return fast;
  try {
    return parseYamlFull(text);
  } catch (e) {
    // What other parsers accept (a quoted scalar continued at its parent's indentation) is
    // retried re-indented; line numbers are unchanged. Any other error stands.
    const repaired =
      e instanceof YamlError && /Missing closing/.test(e.message) ? reindentQuotedScalars(text) : undefined;
    if (repaired === undefined) throw e;
    return parseYamlFast(repaired) ?? parseYamlFull(repaired);
  }
}

/** The yaml package's Document model: complete YAML, error messages and the alias limit. */
export function parseYamlFull(text: string): YamlDoc[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: YamlDoc[] = [];
  let previousEnd = 1;
  for (const [index, doc] of list.entries()) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
      throw new YamlError(`line ${line}: ${err.message.split("\n")[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new YamlError(`document ${index + 1}: ${(e as Error).message}`);
    }
    const contents = doc.contents as Node | null;
    const startOffset = contents?.range?.[0] ?? doc.range[0];
    const endOffset = contents?.range?.[2] ?? doc.range[2];
    const startLine = lineCounter.linePos(startOffset).line;
    const endLine = lineCounter.linePos(Math.max(startOffset, endOffset - 1)).line;
    out.push({
      index,
      value,
      startLine,
      headerStartLine: index === 0 ? 1 : previousEnd + 1,
      endLine,
      lineAt: (path) => lineOf(doc, lineCounter, path, startLine),
    });
    previousEnd = endLine;
  }
  return out;
}

/**
 * The line of the key at `path`, or of the deepest part of it that exists (so a missing
 * field is reported where it should be added).
 */
function lineOf(doc: Document, lc: LineCounter, path: Path, fallback: number): number {
  let node: unknown = doc.contents;
  let line = fallback;
  for (const seg of path) {
    if (isMap(node)) {
      // The last of duplicate keys wins, as in the value.
      const pair = node.items.findLast(
        (p) => isScalar(p.key) && (p.key.value === null ? "" : String(p.key.value)) === String(seg),
      );
      if (!pair) break;
      const key = pair.key as Node;
      if (key.range) line = lc.linePos(key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) line = lc.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return line;
}
