import { isDocumentationValue } from "./documentation.js";
import { shannonEntropy } from "./entropy.js";
import { redactMatch, sha256Hex } from "./redact.js";
import type { CompiledRule, SecretHit } from "./types.js";
import { LineIndex } from "@bulwark/model";
import { AutomatonKeywordFilter, RegexKeywordFilter, type Triggers } from "./keywords.js";

/** Text is scanned in windows so that no regex ever runs over more than this many characters. */
export const WINDOW_CHARS = 256 * 1024;
/** Windows overlap by more than the longest possible match (a 12 000-character PEM body). */
export const OVERLAP_CHARS = 16 * 1024;

/** Marks secrets that are documentation or templates, whatever rule found them. */
const PLACEHOLDER =
  /(?:example|xxxxx|\*\*\*\*\*|#####|placeholder|redacted|your[_-]|dummy|\$\{|\$\(|\{\{|<[a-z_-]{1,30}>|abcdefgh|12345678|87654321|qwerty|\.\.\.)/i;
/**
 * Eight equal characters in a row: a filler (`00000000`, `aaaaaaaa`), not randomness. Only
 * for keyword-context values: some structural formats have runs by design (Twitter's `AAAA…`).
 */
const RUN = /(.)\1{7}/;

/** A secret made of one short block said again and again (`abc123abc123abc123`): a template. */
function repeatedBlock(secret: string): boolean {
  for (let unit = 1; unit <= 8 && unit * 3 <= secret.length; unit++) {
    let same = true;
    for (let i = unit; i < secret.length && same; i++) same = secret[i] === secret[i % unit];
    if (same) return true;
  }
  return false;
}
const ALLOW_MARKER = "bulwark:allow";

/** Which keyword pre-filter runs: the automaton (default), or the combined regex it replaced. */
export type KeywordPrefilter = "automaton" | "regex";

/**
 * Runs a rule set over text. The keyword pass (an automaton over every rule's keywords)
 * decides which rules' regexes run at all, and where; that is what keeps the scan fast.
 */
export class SecretEngine {
  private readonly automaton: AutomatonKeywordFilter | undefined;
  private readonly regexFilter: RegexKeywordFilter;
  private readonly globalPathAllow: RegExp[];

  constructor(
    readonly rules: CompiledRule[],
    globalPathAllow: RegExp[] = [],
    prefilter: KeywordPrefilter = "automaton",
  ) {
    this.globalPathAllow = globalPathAllow;
    this.allActive = rules.map(() => true);
    this.anyPathAllow = rules.some((r) => r.pathAllow.length > 0);
    this.regexFilter = new RegexKeywordFilter(rules);
    this.automaton =
      prefilter === "automaton" && AutomatonKeywordFilter.fits(rules)
        ? new AutomatonKeywordFilter(rules)
        : undefined;
  }

  /** Rules that apply to PATH (path allowlists removed); undefined when the whole path is allowed. */
  rulesFor(path: string): boolean[] | undefined {
    if (this.globalPathAllow.some((r) => r.test(path))) return undefined;
    if (!this.anyPathAllow) return this.allActive;
    return this.rules.map((r) => !r.pathAllow.some((p) => p.test(path)));
  }

  /** Shared by every path when no rule has a path allowlist (the built-in set): no array per file. */
  private readonly allActive: boolean[];
  private readonly anyPathAllow: boolean;

  /**
   * Scans a whole string (in windows). BYTES, when given, must be TEXT's latin1 encoding
   * (the file as read): the keyword pass then reads bytes, which is faster.
   */
  scanText(path: string, text: string, bytes?: Uint8Array): SecretHit[] {
    const active = this.rulesFor(path);
    const hits: SecretHit[] = [];
    if (!active) return hits;
    const seen = new Set<string>();
    // The same windows as stream() makes, sliced from TEXT without re-joining pieces.
    let line = 1;
    for (let start = 0; start < text.length; start += WINDOW_CHARS) {
      const last = text.length - start <= WINDOW_CHARS + OVERLAP_CHARS;
      const window = start === 0 && last ? text : text.slice(start, start + WINDOW_CHARS + OVERLAP_CHARS);
      const windowBytes =
        bytes?.length === text.length ? bytes.subarray(start, start + window.length) : undefined;
      const where = this.triggeredRules(window, active, windowBytes);
      this.scanWindow(window, last ? window.length : WINDOW_CHARS, line, where, hits, seen);
      if (last) break;
      line += countNewlines(window, 0, WINDOW_CHARS);
    }
    return hits;
  }

  /**
   * Scans a file as read (BYTES, decoded as latin1 by DECODE). A file that fits one window
   * is decoded only when the keyword pass finds something: most files have no keyword.
   */
  scanBytes(path: string, bytes: Uint8Array, decode: () => string): SecretHit[] {
    if (bytes.length > WINDOW_CHARS + OVERLAP_CHARS || !this.automaton)
      return this.scanText(path, decode(), bytes);
    const active = this.rulesFor(path);
    if (!active) return [];
    const where = this.automaton.triggers("", active, bytes);
    if (!where) return this.scanText(path, decode(), bytes);
    if (where.size === 0) return [];
    const hits: SecretHit[] = [];
    const text = decode();
    this.scanWindow(text, text.length, 1, where, hits, new Set());
    return hits;
  }

  /**
   * Scans text fed piece by piece, holding at most one window plus the overlap in memory.
   * BYTES, when given with every piece, are its latin1 encoding (as for scanText).
   */
  stream(path: string): { push(chunk: string, bytes?: Uint8Array): void; end(): SecretHit[] } {
    const active = this.rulesFor(path);
    const hits: SecretHit[] = [];
    const seen = new Set<string>();
    let carry = "";
    /** CARRY's bytes while every piece came with them. */
    let carryBytes: Buffer | undefined = Buffer.alloc(0);
    let carryLine = 1;
    /** Scans whole windows off the front of CARRY; on FINAL, everything that is left. */
    const drain = (final: boolean): void => {
      while (carry.length > (final ? 0 : WINDOW_CHARS + OVERLAP_CHARS)) {
        const last = final && carry.length <= WINDOW_CHARS + OVERLAP_CHARS;
        const window = last ? carry : carry.slice(0, WINDOW_CHARS + OVERLAP_CHARS);
        const limit = last ? window.length : WINDOW_CHARS;
        if (active) {
          const where = this.triggeredRules(window, active, carryBytes?.subarray(0, window.length));
          this.scanWindow(window, limit, carryLine, where, hits, seen);
        }
        if (!last) carryLine += countNewlines(window, 0, limit);
        carry = carry.slice(limit);
        carryBytes = carryBytes?.subarray(limit);
      }
    };
    return {
      push: (chunk: string, bytes?: Uint8Array) => {
        carry += chunk;
        // A copy: the caller may reuse its buffer for the next piece.
        carryBytes =
          carryBytes && bytes?.length === chunk.length ? Buffer.concat([carryBytes, bytes]) : undefined;
        drain(false);
      },
      end: () => {
        drain(true);
        return hits;
      },
    };
  }

  /** Text outside latin1 goes to the regex filter, which handles any text. */
  private triggeredRules(window: string, active: boolean[], bytes?: Uint8Array): Triggers {
    return this.automaton?.triggers(window, active, bytes) ?? this.regexFilter.triggers(window, active);
  }

  /** Finds matches that start before LIMIT (the rest is seen again by the next window). */
  private scanWindow(
    window: string,
    limit: number,
    firstLine: number,
    triggers: Triggers,
    hits: SecretHit[],
    seen: Set<string>,
  ): void {
    const lines = new WindowLines(window, firstLine);
    for (const [index, where] of triggers) {
      const rule = this.rules[index]!;
      const matches =
        where === "anywhere"
          ? allMatches(rule.regex, window, limit)
          : anchoredMatches(rule.sticky, window, where, limit);
      for (const m of matches) {
        const secret = m[rule.spec.secretGroup ?? 0];
        if (!secret || !acceptSecret(rule, secret)) continue;
        const offset = m.index + Math.max(0, m[0].indexOf(secret));
        const line = lines.lineAt(offset);
        const secretHash = sha256Hex(secret);
        const key = `${line}\u0000${secretHash}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const hit: SecretHit = {
          ruleId: rule.spec.id,
          title: rule.spec.title,
          severity: rule.spec.severity,
          detection: rule.spec.detection ?? "structural",
          line,
          match: redactMatch(window.slice(m.index, offset), secret),
          secretHash,
        };
        const allowed = allowComment(window, offset);
        if (allowed !== undefined) hit.allowed = allowed;
        hits.push(hit);
      }
    }
  }
}

function* allMatches(re: RegExp, text: string, limit: number): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m && m.index < limit; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    yield m;
  }
}

/** The sticky regex tried at each keyword position only; a match hides positions inside it. */
function* anchoredMatches(
  sticky: RegExp,
  text: string,
  positions: number[],
  limit: number,
): Generator<RegExpExecArray> {
  let end = 0;
  for (const p of positions) {
    if (p < end || p >= limit) continue;
    sticky.lastIndex = p;
    const m = sticky.exec(text);
    if (!m) continue;
    end = p + Math.max(1, m[0].length);
    yield m;
  }
}

function acceptSecret(rule: CompiledRule, secret: string): boolean {
  if (shannonEntropy(secret) < (rule.spec.entropy ?? 0)) return false;
  if (PLACEHOLDER.test(secret) || repeatedBlock(secret) || isDocumentationValue(secret)) return false;
  if (rule.spec.detection === "keyword-context" && RUN.test(secret)) return false;
  if (rule.secretAllow.some((r) => r.test(secret))) return false;
  if (rule.stopwords.length) {
    const lower = secret.toLowerCase();
    if (rule.stopwords.some((w) => lower.includes(w))) return false;
  }
  return true;
}

/** The reason written after `bulwark:allow` on the secret's line, or undefined without the marker. */
function allowComment(text: string, offset: number): string | undefined {
  const start = text.lastIndexOf("\n", offset) + 1;
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  const at = text.indexOf(ALLOW_MARKER, start);
  if (at < 0 || at >= end) return undefined;
  const reason = text
    .slice(at + ALLOW_MARKER.length, Math.min(end, at + ALLOW_MARKER.length + 200))
    .replace(/^[\s:=-]{0,10}/, "")
    .replace(/\s{0,10}(?:\*\/|-->)?\s{0,10}$/, "")
    .trim();
  return reason || "inline bulwark:allow";
}

export function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf("\n", from); i >= 0 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** Line numbers of a window, indexed on the first hit only (most windows have none). */
class WindowLines {
  private index: LineIndex | undefined;
  constructor(
    private readonly text: string,
    private readonly firstLine: number,
  ) {}

  lineAt(offset: number): number {
    this.index ??= new LineIndex(this.text);
    return this.firstLine - 1 + this.index.line(offset);
  }
}
