/**
 * Text bound for a terminal never carries the scanned content's control characters:
 * a file named "\x1b[2J" would clear the user's screen, an OSC sequence would retitle
 * the terminal, and a bidi override could reorder a line so that findings hide or are
 * forged. Every such character is shown as a visible escape; JSON and SARIF are left exact.
 */

// C0 controls, DEL, C1 controls, and the Unicode bidi controls (embeddings, overrides,
// isolates, marks) plus line/paragraph separators, which reorder or split a line.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const LINE_WHITESPACE = /[\t\n\r]/g;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r", "\u001b": "\\e" };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One string with every control character replaced by a visible escape (`\e[2J`, `\x07`, `\u202e`). */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** Prose (titles, messages): line breaks and tabs become spaces, every other control is escaped. */
export function escapeProse(text: string): string {
  return escapeTerminal(text.replace(LINE_WHITESPACE, " "));
}

// Fields that carry prose written for people, where a line break is layout, not identity.
const PROSE_KEYS = new Set(["title", "description", "message", "reason", "details", "remediation"]);

/**
 * A deep copy of a report or inventory in which every string is safe to print: names,
 * paths and image metadata escaped exactly, prose fields with line breaks as spaces.
 * Renderers of text output run on this copy, so no field can be forgotten.
 */
export function escapeStrings<T>(value: T, key = ""): T {
  if (typeof value === "string")
    return (PROSE_KEYS.has(key) ? escapeProse(value) : escapeTerminal(value)) as T;
  if (Array.isArray(value)) return value.map((v) => escapeStrings(v, key)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[escapeTerminal(k)] = escapeStrings(v, k);
    return out as T;
  }
  return value;
}
