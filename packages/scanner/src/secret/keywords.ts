import type { CompiledRule } from "./types.js";
import { WasmDfa } from "./wasm-dfa.js";

/**
 * For each triggered rule (by index, ascending): the window offsets where one of its
 * keywords starts (anchored rules; ascending, unique), or "anywhere" (the rest).
 */
export type Triggers = Map<number, number[] | "anywhere">;

/** Finds which rules' keywords occur in a window: the pre-filter that decides which regexes run. */
export interface KeywordFilter {
  /** Undefined when this filter cannot handle the window (the caller uses another). */
  triggers(window: string, active: boolean[]): Triggers | undefined;
}

const MAX_TABLE_ENTRIES = 8 * 1024 * 1024;

/** UTF-16 code units, as charCodeAt reads the text (the trie depth must equal the keyword length). */
function units(s: string): string[] {
  return Array.from({ length: s.length }, (_, i) => s[i]!);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function keywordRules(rules: CompiledRule[]): Map<string, number[]> {
  const byKeyword = new Map<string, number[]>();
  rules.forEach((rule, index) => {
    for (const kw of rule.spec.keywords) {
      const list = byKeyword.get(kw) ?? [];
      if (!list.includes(index)) list.push(index);
      byKeyword.set(kw, list);
    }
  });
  return byKeyword;
}

/** Sorts by rule index, as the scan order (specific rules first) depends on it. */
function byRule(found: Triggers): Triggers {
  return new Map([...found].sort((a, b) => a[0] - b[0]));
}

/**
 * The first pre-filter: one combined regex of every keyword over the lower-cased window.
 * Kept for text outside latin1 (where lower-casing may change offsets) and as the
 * reference the automaton is checked against.
 */
export class RegexKeywordFilter implements KeywordFilter {
  private readonly keywordRegex: RegExp;
  /** For each keyword, the rules of every keyword that is a prefix of it (the regex reports the longest). */
  private readonly rulesByMatch = new Map<string, number[]>();

  constructor(private readonly rules: CompiledRule[]) {
    const byKeyword = keywordRules(rules);
    const keywords = [...byKeyword.keys()].sort((a, b) => b.length - a.length);
    for (const kw of keywords) {
      const matched = keywords.filter((k) => kw.startsWith(k)).flatMap((k) => byKeyword.get(k)!);
      this.rulesByMatch.set(kw, [...new Set(matched)]);
    }
    this.keywordRegex = keywords.length ? new RegExp(keywords.map(escapeRegex).join("|"), "g") : /(?!)/g;
  }

  triggers(window: string, active: boolean[]): Triggers {
    const lower = window.toLowerCase();
    // toLowerCase keeps latin1 offsets; other text could shift them, so no anchoring there.
    const exact = lower.length === window.length;
    const found: Triggers = new Map();
    const re = this.keywordRegex;
    re.lastIndex = 0;
    for (let m = re.exec(lower); m; m = re.exec(lower)) {
      re.lastIndex = m.index + 1;
      for (const i of this.rulesByMatch.get(m[0]) ?? []) {
        if (!active[i]) continue;
        const seen = found.get(i);
        if (seen === "anywhere") continue;
        if (!exact || !this.rules[i]!.spec.anchored) found.set(i, "anywhere");
        else if (seen) seen.push(m.index);
        else found.set(i, [m.index]);
      }
    }
    return byRule(found);
  }
}

/**
 * The fast pre-filter: an Aho-Corasick automaton over every keyword, run once over the
 * window character by character. Case folding is in the character-class table (each
 * latin1 character maps to the class of its lower-case form), so the window is never
 * copied or lower-cased, and the cost per character is two table reads whatever the
 * number of keywords. It gives exactly what RegexKeywordFilter gives on latin1 text;
 * other text is left to that filter.
 */
export class AutomatonKeywordFilter implements KeywordFilter {
  /** Character class of each latin1 code (0 = no keyword has it). */
  private readonly classOf = new Uint16Array(256);
  private readonly classes: number;
  /** Next state (pre-multiplied by `classes`), negative when that state ends a keyword. */
  private readonly delta: Int32Array;
  /** Per state: [start, end) into `outputs`, which holds (rule index, keyword length) pairs. */
  private readonly outStart: Int32Array;
  private readonly outputs: Int32Array;

  /**
   * Whether the transition table of RULES' keywords stays small (under 32 MiB): thousands
   * of long user keywords would make it large, and the regex filter is used instead.
   */
  static fits(rules: CompiledRule[]): boolean {
    const keywords = [...keywordRules(rules).keys()];
    const states = keywords.reduce((n, kw) => n + kw.length, 1);
    const classes = new Set(keywords.flatMap(units)).size + 1;
    return states * classes <= MAX_TABLE_ENTRIES;
  }

  constructor(private readonly rules: CompiledRule[]) {
    const byKeyword = keywordRules(rules);
    const alphabet = new Map<string, number>();
    for (const kw of byKeyword.keys())
      for (const ch of units(kw)) if (!alphabet.has(ch)) alphabet.set(ch, alphabet.size + 1);
    this.classes = alphabet.size + 1;
    for (let c = 0; c < 256; c++) {
      const lower = String.fromCharCode(c).toLowerCase();
      this.classOf[c] = lower.length === 1 ? (alphabet.get(lower) ?? 0) : 0;
    }
    const trie = buildTrie(byKeyword, alphabet, this.classes);
    this.delta = trie.delta;
    this.outStart = trie.outStart;
    this.outputs = trie.outputs;
    this.wasm = WasmDfa.fits(this.classOf) ? new WasmDfa(this.classOf, this.delta) : undefined;
  }

  /** The same DFA walk in WebAssembly, used for byte input (the tree scan's common case). */
  private readonly wasm: WasmDfa | undefined;

  /** BYTES, when given, must be WINDOW's latin1 encoding (byte i = character i): faster to read. */
  triggers(window: string, active: boolean[], bytes?: Uint8Array): Triggers | undefined {
    const ends = bytes ? this.endsInBytes(bytes) : this.endsInText(window);
    return ends && this.collect(ends, active);
  }

  /** (end offset, state) of every keyword occurrence; undefined for text outside latin1. */
  private endsInText(text: string): number[] | undefined {
    const { classOf, delta, classes } = this;
    const ends: number[] = [];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff) return undefined;
      s = delta[s + classOf[c]!]!;
      if (s < 0) {
        s = -s;
        ends.push(i, s / classes);
      }
    }
    return ends;
  }

  /** The same loop over bytes: in WebAssembly when it fits, else typed-array reads (half of charCodeAt). */
  private endsInBytes(bytes: Uint8Array): number[] {
    const { classOf, delta, classes } = this;
    if (this.wasm) {
      const pairs = this.wasm.run(bytes);
      const ends = new Array<number>(pairs.length);
      for (let i = 0; i < pairs.length; i += 2) {
        ends[i] = pairs[i]!;
        ends[i + 1] = -pairs[i + 1]! / classes;
      }
      return ends;
    }
    const ends: number[] = [];
    let s = 0;
    for (let i = 0; i < bytes.length; i++) {
      s = delta[s + classOf[bytes[i]!]!]!;
      if (s < 0) {
        s = -s;
        ends.push(i, s / classes);
      }
    }
    return ends;
  }

  /** Turns (end offset, state) pairs into each rule's keyword start offsets. */
  private collect(ends: number[], active: boolean[]): Triggers {
    const found: Triggers = new Map();
    const unsorted = new Set<number>();
    for (let e = 0; e < ends.length; e += 2) {
      const end = ends[e]!;
      const state = ends[e + 1]!;
      for (let o = this.outStart[state]!; o < this.outStart[state + 1]!; o += 2) {
        const rule = this.outputs[o]!;
        if (!active[rule]) continue;
        const seen = found.get(rule);
        if (seen === "anywhere") continue;
        if (!this.rules[rule]!.spec.anchored) {
          found.set(rule, "anywhere");
          continue;
        }
        const start = end - this.outputs[o + 1]! + 1;
        if (!seen) found.set(rule, [start]);
        else if (start !== seen[seen.length - 1]) {
          // Keywords of one rule with different lengths report their starts out of order.
          if (start < seen[seen.length - 1]!) unsorted.add(rule);
          seen.push(start);
        }
      }
    }
    for (const rule of unsorted) {
      const starts = (found.get(rule) as number[]).sort((a, b) => a - b);
      found.set(
        rule,
        starts.filter((p, i) => i === 0 || p !== starts[i - 1]),
      );
    }
    return byRule(found);
  }
}

interface Automaton {
  delta: Int32Array;
  outStart: Int32Array;
  outputs: Int32Array;
}

/** The trie of the keywords, completed into a DFA with the Aho-Corasick failure links. */
function buildTrie(
  byKeyword: Map<string, number[]>,
  alphabet: Map<string, number>,
  classes: number,
): Automaton {
  const next: number[][] = [new Array<number>(classes).fill(0)];
  const out: Array<Array<[number, number]>> = [[]];
  for (const [kw, rules] of byKeyword) {
    let s = 0;
    for (const ch of units(kw)) {
      const a = alphabet.get(ch)!;
      if (!next[s]![a]) {
        next.push(new Array<number>(classes).fill(0));
        out.push([]);
        next[s]![a] = next.length - 1;
      }
      s = next[s]![a]!;
    }
    for (const r of rules) out[s]!.push([r, kw.length]);
  }
  // Breadth-first: each state's failure target is complete before the state is visited.
  const fail = new Array<number>(next.length).fill(0);
  const queue: number[] = [];
  for (let a = 1; a < classes; a++) if (next[0]![a]) queue.push(next[0]![a]!);
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    for (const pair of out[fail[s]!]!) out[s]!.push(pair);
    for (let a = 1; a < classes; a++) {
      const t = next[s]![a]!;
      if (t) {
        fail[t] = next[fail[s]!]![a]!;
        queue.push(t);
      } else next[s]![a] = next[fail[s]!]![a]!;
    }
  }
  const delta = new Int32Array(next.length * classes);
  next.forEach((row, s) =>
    row.forEach((t, a) => (delta[s * classes + a] = out[t]!.length ? -t * classes : t * classes)),
  );
  const outStart = new Int32Array(next.length + 1);
  const flat: number[] = [];
  out.forEach((pairs, s) => {
    outStart[s] = flat.length;
    const unique = new Set(pairs.map(([r, len]) => `${r},${len}`));
    for (const key of unique) flat.push(...key.split(",").map(Number));
  });
  outStart[next.length] = flat.length;
  return { delta, outStart, outputs: new Int32Array(flat) };
}
