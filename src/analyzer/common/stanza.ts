/**
 * RFC 822-style control stanzas (dpkg status, status.d): "Field: value" lines,
 * continuation lines start with a space or tab, stanzas are separated by blank lines.
 */
import { parseError } from "./util.js";

export type Stanza = Map<string, string>;

export function parseStanzas(text: string, what: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza = new Map();
  let lastField: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastField = undefined;
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (lastField === undefined) throw parseError(`${what}: line ${i + 1}: continuation without a field`);
      current.set(lastField, `${current.get(lastField) ?? ""}\n${line.slice(1)}`);
      continue;
    }
    if (line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw parseError(`${what}: line ${i + 1}: expected "Field: value"`);
    // Field names are case-insensitive in deb822: store them lower-cased.
    lastField = line.slice(0, colon).trim().toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}
