import { describe, expect, it } from "vitest";
import { compileRule } from "./compile.js";
import { AutomatonKeywordFilter, RegexKeywordFilter, type Triggers } from "./keywords.js";
import { builtinRules } from "./rules/index.js";
import type { SecretRuleSpec } from "./types.js";
import { prng } from "./testutil/generate.js";

const rules = builtinRules.map(compileRule);
const automaton = new AutomatonKeywordFilter(rules);
const regex = new RegexKeywordFilter(rules);
const allActive = rules.map(() => true);
const keywords = [...new Set(rules.flatMap((r) => r.spec.keywords))];

const plain = (t: Triggers | undefined): Array<[number, number[] | "anywhere"]> | undefined => t && [...t];

/** Random case, including latin1 upper-case letters, so the case folding is exercised. */
function randomCase(s: string, rand: () => number): string {
  return [...s].map((c) => (rand() < 0.5 ? c.toUpperCase() : c)).join("");
}

/**
 * Text dense with keyword matches: whole keywords, keywords run together (so one
 * overlaps the next), cut-off prefixes, latin1 letters and punctuation in between.
 */
function keywordSoup(rand: () => number, pieces: number): string {
  const filler = ["", " ", "=", "\n", "x", "é", "ÀÉ", "\u00ff", "0", "_", "-", ":", "//", "\t"];
  let text = "";
  for (let i = 0; i < pieces; i++) {
    const kw = keywords[Math.floor(rand() * keywords.length)]!;
    const r = rand();
    const piece = r < 0.2 ? kw.slice(0, 1 + Math.floor(rand() * kw.length)) : kw;
    text += randomCase(piece, rand) + (r < 0.5 ? "" : filler[Math.floor(rand() * filler.length)]!);
  }
  return text;
}

describe("keyword pre-filter", () => {
  it("relies on lower-casing mapping every latin1 character to exactly one latin1 character", () => {
    const bad: number[] = [];
    for (let c = 0; c < 256; c++) {
      const lower = String.fromCharCode(c).toLowerCase();
      if (lower.length !== 1 || lower.charCodeAt(0) > 0xff) bad.push(c);
    }
    expect(bad).toEqual([]);
  });

  it("the automaton triggers exactly the rules and positions the combined regex does", () => {
    const rand = prng(5);
    let positions = 0;
    for (let n = 0; n < 300; n++) {
      const text = keywordSoup(rand, 1 + Math.floor(rand() * 60));
      const active = n % 3 === 0 ? rules.map(() => rand() < 0.5) : allActive;
      const expected = regex.triggers(text, active);
      for (const v of expected.values()) if (v !== "anywhere") positions += v.length;
      expect(plain(automaton.triggers(text, active)), text).toEqual(plain(expected));
      const bytes = Buffer.from(text, "latin1");
      expect(plain(automaton.triggers(text, active, bytes)), text).toEqual(plain(expected));
    }
    // The soup must really be full of keywords, or the comparison proves little.
    expect(positions).toBeGreaterThan(3000);
  });

  it("handles keywords that share prefixes and suffixes, and one rule with keywords of several lengths", () => {
    const specs: SecretRuleSpec[] = [
      {
        id: "a",
        title: "a",
        severity: "LOW",
        keywords: ["pass", "password", "word"],
        regex: "x",
        anchored: true,
      },
      { id: "b", title: "b", severity: "LOW", keywords: ["sword", "ss"], regex: "x", anchored: true },
      { id: "c", title: "c", severity: "LOW", keywords: ["Ord"], regex: "x" },
      { id: "d", title: "d", severity: "LOW", keywords: ["ü", "ÿy"], regex: "x", anchored: true },
    ];
    const compiled = specs.map(compileRule);
    const a = new AutomatonKeywordFilter(compiled);
    const r = new RegexKeywordFilter(compiled);
    const on = compiled.map(() => true);
    for (const text of ["PassWord password", "swordpass", "xPASSWORDx ss", "Ü ÿY ÜÜ", "ord", "", "pas"]) {
      expect(plain(a.triggers(text, on)), text).toEqual(plain(r.triggers(text, on)));
    }
    expect(plain(a.triggers("PassWord", on))).toEqual([
      [0, [0, 4]],
      [1, [2, 3]],
      [2, "anywhere"],
    ]);
  });

  it("is not built for a keyword set whose transition table would be huge", () => {
    expect(AutomatonKeywordFilter.fits(rules)).toBe(true);
    const rand = prng(9);
    const many: SecretRuleSpec[] = Array.from({ length: 3 }, (_, i) => ({
      id: `user-${i}`,
      title: "t",
      severity: "LOW",
      keywords: Array.from({ length: 1000 }, () =>
        Array.from({ length: 100 }, () => String.fromCharCode(0x21 + Math.floor(rand() * 90))).join(""),
      ),
      regex: "x",
    }));
    expect(AutomatonKeywordFilter.fits(many.map(compileRule))).toBe(false);
  });

  it("leaves text outside latin1 to the regex filter (lower-casing may move offsets there)", () => {
    expect(automaton.triggers("İ token", allActive)).toBeUndefined();
    expect(plain(regex.triggers("İ token", allActive))?.length).toBeGreaterThan(0);
  });
});
