/**
 * RFC 822-style control stanzas (dpkg status, status.d): "Field: value" lines,
 * continuation lines start with a space or tab, stanzas are separated by blank lines.
 */
import { parseError } from "./util.js";

export type Stanza = Map<string, string>;

export function parseStanzas(text: string, what: string): Stanza[] {
  return [...iterStanzas(text, what)];
}

/**
 * Stanzas one at a time, keeping only the fields in `keep` (all when absent). Lines are
 * found with indexOf rather than split, so a 250 MB status file is never held as twenty
 * million line strings, and the long Description fields nobody reads are never copied.
 */
export function* iterStanzas(text: string, what: string, keep?: ReadonlySet<string>): Generator<Stanza> {
  let current: Stanza = new Map();
  let lastField: string | undefined;
  let seen = false;
  let lineNo = 0;
  for (let pos = 0; pos < text.length;) {
    const nl = text.indexOf("\n", pos);
    const end = nl < 0 ? text.length : nl;
    let line = text.slice(pos, end);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    pos = end + 1;
    lineNo++;
    if (line.trim() === "") {
      if (seen) yield current;
      current = new Map();
      lastField = undefined;
      seen = false;
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (lastField === undefined) throw parseError(`${what}: line ${lineNo}: continuation without a field`);
      if (current.has(lastField)) current.set(lastField, `${current.get(lastField) ?? ""}\n${line.slice(1)}`);
      continue;
    }
    if (line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw parseError(`${what}: line ${lineNo}: expected "Field: value"`);
    // Field names are case-insensitive in deb822: store them lower-cased.
    lastField = line.slice(0, colon).trim().toLowerCase();
    seen = true;
    if (!keep || keep.has(lastField)) current.set(lastField, line.slice(colon + 1).trim());
  }
  if (seen) yield current;
}
