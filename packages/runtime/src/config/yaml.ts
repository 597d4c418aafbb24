/**
 * Strict loading of the runtime's hand-edited YAML files (baselines, responses): every problem
 * is one RuntimeError naming the file and the line, with the code of the file's kind.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { RuntimeError, type RuntimeErrorCode } from "../errors.js";

export class Located {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    private readonly code: RuntimeErrorCode,
  ) {}

  line(node: Node | null | undefined): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : 1;
  }

  fail(node: Node | null | undefined, message: string): never {
    throw new RuntimeError(this.code, `${this.file}:${this.line(node)}: ${message}`);
  }
}

/** One YAML document with unique keys; a syntax error is the file's error at its line. */
export function parseYamlFile(
  yamlText: string,
  file: string,
  code: RuntimeErrorCode,
  schema?: "core",
): { doc: ReturnType<typeof parseDocument>; loc: Located } {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, {
    lineCounter: lines,
    uniqueKeys: true,
    ...(schema ? { schema } : {}),
  });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new RuntimeError(code, `${file}:${e.linePos?.[0]?.line ?? 1}: ${e.message.split("\n")[0]}`);
  }
  return { doc, loc: new Located(file, lines, code) };
}

export function mapEntries(node: unknown, where: string, loc: Located): Map<string, Node> {
  if (!isMap(node)) loc.fail(node as Node, `${where} must be a mapping`);
  const out = new Map<string, Node>();
  for (const pair of node.items) {
    if (!isScalar(pair.key)) loc.fail(pair.key as Node, `${where}: keys must be plain words`);
    out.set(String(pair.key.value), pair.value as Node);
  }
  return out;
}

export function only(entries: Map<string, Node>, allowed: string[], where: string, loc: Located): void {
  for (const [k, v] of entries) if (!allowed.includes(k)) loc.fail(v, `unknown key "${k}" in ${where}`);
}
