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

/**
 * "fast" when the fast path parsed `text` and agreed with the full parser on every value and
 * line; "fallback" when it stepped aside. Anything else fails the test.
 */
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

  it("agrees on Helm output, empty items and documents, block scalar items, CRLF and markers", () => {
    const cases = [
      "---\n# Source: chart/templates/empty.yaml\n---\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n",
      "apiVersion: v1\nkind: List\nitems:\n-\n- kind: Pod\n  metadata: { name: a }\n-\n# between\n-   \n- x\n",
      "args:\n  - |\n    echo one\n    echo two\n  - >-\n\n    folded\n  - plain\n",
      "a:\n  - - x\n    -\n    - y\n  -\n",
      'a: 1\r\nb:\r\n  - c\r\n  -\r\nd: "e"\r\n',
      "--- a: 1\n",
      "--- |\n  root block\n---\nscalar root\n",
      "a: 1\n...\n---\nb: 2\n---\n",
      "---\n---\n",
      "# only a comment\n",
      "",
      "'quoted key': 1\n\"dq\": [ a, 'b', \"c\" ]\nk: v # trailing\n",
      "x:\n  # comment at the deeper level\n  y: 1\n# comment at column 0\nz: 2\n",
    ];
    const results = cases.map((text) => [text, same(text)]);
    // Every case must agree; these must not even need the full parser.
    for (const i of [0, 1, 2, 3, 4, 7, 11, 12]) expect(results[i]).toEqual([cases[i], "fast"]);
  });

  it("never disagrees with the full parser on mutated manifests (seeded fuzz)", () => {
    const seeds = yamlFilesUnder(join(here, "testdata")).map((f) => readFileSync(f, "utf8"));
    let state = 20261122;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
      return state % n;
    };
    const pieces = [
      ":",
      "- ",
      "-\n",
      " ",
      "\n",
      '"',
      "'",
      "[",
      "]",
      "{",
      "}",
      "#",
      ",",
      "|",
      ">",
      "?",
      "&a ",
      "*a",
      "!",
      "---\n",
      "...\n",
      "  ",
      "\\",
      "%",
      "`",
      "\r\n",
      "~",
      "0x1",
      "1e3",
      "null",
      "\n  ",
      "\n- |\n  t\n",
    ];
    let fast = 0;
    for (let n = 0; n < 1000; n++) {
      let text = seeds[random(seeds.length)]!;
      for (let k = 1 + random(3); k > 0; k--) {
        const at = random(text.length + 1);
        text =
          random(3) === 0
            ? text.slice(0, at) + text.slice(at + 1 + random(3))
            : text.slice(0, at) + pieces[random(pieces.length)]! + text.slice(at);
      }
      if (same(text) === "fast") fast++;
    }
    // The mutations must leave plenty of inputs on the fast path, or this tests nothing.
    expect(fast).toBeGreaterThan(200);
  });
});
