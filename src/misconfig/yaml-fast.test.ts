import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseYamlFast } from "./yaml-fast.js";
import { parseYamlFull, type Path, type YamlDoc } from "./yaml-source.js";

// Differential test: the fast path must agree with the yaml package's Document model on
// every value and every line, or step aside (undefined) so the full parser decides.
const here = dirname(fileURLToPath(import.meta.url));

function paths(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function same(text: string): "fast" | "fallback" {
  let full: YamlDoc[] | Error;
  try {
    full = parseYamlFull(text);
  } catch (e) {
    full = e as Error;
  }
  const fast = parseYamlFast(text);
  if (fast === undefined) return "fallback";
  expect(full).not.toBeInstanceOf(Error);
  const f = full as YamlDoc[];
  expect(fast.map((d) => d.value)).toEqual(f.map((d) => d.value));
  expect(fast.map((d) => d.startLine)).toEqual(f.map((d) => d.startLine));
  for (const [i, d] of fast.entries())
    for (const p of [...paths(d.value), ["missing"], ["spec", "nope", 3]])
      expect([p, d.lineAt(p)]).toEqual([p, f[i]!.lineAt(p)]);
  return "fast";
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFilesUnder(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("fast YAML path", () => {
  it("agrees with the full parser on every manifest in testdata", () => {
    const files = yamlFilesUnder(join(here, "testdata"));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(same(readFileSync(f, "utf8")), f).toBe("fast");
  });

  it("agrees on scalar typing, quoting, block scalars, flow collections and odd keys", () => {
    const text = `a: 1
b: -0.5e3
c: 0x1F
d: 0o17
e: ~
f: TRUE
g: "quoted: \\u00e9\\n"
h: 'it''s'
i: |
  line one
    indented
j: >-
  folded
  text
k: [1, two, { x: y }, []]
l: {}
"m n": .inf
? ""
: empty-key
"__proto__": { polluted: true }
o:
- plain
-
- - nested
p: multi
  line plain
12: numeric key
null: null key
dup: 1
dup: 2
`;
    const r = same(text.replace('? ""\n: empty-key\n', ""));
    expect(r).toBe("fast");
    expect(same('"": empty-key\n')).toBe("fast");
    expect(
      same(
        "a: b   \nc: 'd'  # x\ne: \"f\" # y\ng: plain words # z\nh: 'it''s' \ni: \"esc\\\"aped\"\nj: '#not-comment'\n",
      ),
    ).toBe("fast");
  });

  it("steps aside for anchors, tags, complex keys, directives and errors", () => {
    for (const text of [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "? [a]\n: b\n",
      "%YAML 1.2\n---\na: 1\n",
      "metadata: [unclosed\n",
      "a: b\n  c: d\n",
      "key without colon\nother: 1\n",
      "a: 'unterminated\n",
      "- a\nb: c\n",
      "a:\n\t- tab\n",
      "a: 1\n a: 2\n",
      "[a: b]\n",
    ])
      expect([text, same(text)]).toEqual([text, "fallback"]);
  });

  it("handles multi-document streams with header comments", () => {
    const text = "# one\napiVersion: v1\nkind: A\n---\n# two\napiVersion: v1\nkind: B\n...\n---\nkind: C\n";
    expect(same(text)).toBe("fast");
    const docs = parseYamlFast(text)!;
    expect(docs.map((d) => [d.startLine, d.headerStartLine])).toEqual([
      [2, 1],
      [6, 4],
      [10, 9],
    ]);
  });
});
