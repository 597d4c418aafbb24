import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { BulwarkError } from "@bulwark/model";
import type { Directive } from "./suppress.js";
import type { YamlDoc } from "./yaml-source.js";

/** One document (or run of documents with no `---` between) may not pass this. */
const MAX_DOCUMENT = 64 * 1024 * 1024;

/** A piece of a YAML stream made of whole documents, and the line it starts on (0-based offset). */
export interface YamlPiece {
  text: string;
  lineOffset: number;
}

/**
 * Reads a large YAML stream in pieces of whole documents (cut only before a `---` line, where
 * a new document starts; anchors never cross documents), so a manifest bundle of any size is
 * parsed a few megabytes at a time instead of being skipped or held whole.
 */
export function* yamlPieces(path: string, pieceBytes = 4 * 1024 * 1024): Generator<YamlPiece> {
  const fd = openSync(path, "r");
  const decoder = new StringDecoder("utf8");
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let pending = "";
  let lines: string[] = [];
  let size = 0;
  let lineOffset = 0;
  let lineNo = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (lineNo === 0 && buf.subarray(0, Math.min(n, 8192)).includes(0))
        throw new BulwarkError("PARSE", "binary content (NUL bytes), not a text configuration file");
      const text = n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end();
      const parts = (pending + text).split("\n");
      pending = n > 0 ? (parts.pop() ?? "") : "";
      if (pending.length > MAX_DOCUMENT)
        throw new BulwarkError(
          "FILE_TOO_LARGE",
          `a line from line ${lineNo + 1} is over ${MAX_DOCUMENT} bytes`,
        );
      for (const line of parts) {
        if (size >= pieceBytes && line.startsWith("---")) {
          yield { text: lines.join("\n"), lineOffset };
          lineOffset = lineNo;
          lines = [];
          size = 0;
        }
        lines.push(line);
        size += line.length + 1;
        lineNo++;
        if (size > MAX_DOCUMENT)
          throw new BulwarkError(
            "FILE_TOO_LARGE",
            `a YAML document from line ${lineOffset + 1} is over ${MAX_DOCUMENT} bytes with no "---" after it`,
          );
      }
      if (n === 0) break;
    }
    if (lines.length) yield { text: lines.join("\n"), lineOffset };
  } finally {
    closeSync(fd);
  }
}

/** A document parsed from a piece, with its lines moved to where they are in the file. */
export function shiftDoc(doc: YamlDoc, offset: number): YamlDoc {
  if (!offset) return doc;
  return {
    ...doc,
    startLine: doc.startLine + offset,
    headerStartLine: doc.headerStartLine + offset,
    endLine: doc.endLine + offset,
    lineAt: (p) => doc.lineAt(p) + offset,
  };
}

export function shiftDirectives(directives: Directive[], offset: number): Directive[] {
  return offset ? directives.map((d) => ({ ...d, line: d.line + offset })) : directives;
}
