import { BulwarkError } from "@bulwark/model";

/**
 * JSON.stringify with every character past ASCII written as a \u escape (surrogate pairs as
 * two), so the text is the same in every ASCII-compatible encoding. One non-ASCII path in a
 * layer would otherwise make the whole cached text a two-byte string when read back.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A cached JSON array of strings, parsed when first needed. Its bytes passed the file's CRC-32
 * when it was read, so they are what a writer wrote: only a file forged to match its checksum
 * fails here, too late for a miss. Removing it makes the next scan walk the layer again.
 */
export function parseStringArray(bytes: Buffer, file: string, what: string): string[] {
  let value: unknown;
  try {
    // ASCII (asciiJson), so latin1 decodes it exactly into a one-byte string.
    value = JSON.parse(bytes.toString("latin1"));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((p) => typeof p === "string"))
    throw new BulwarkError("IO", `layer cache ${file} is damaged (${what}); delete it and scan again`);
  return value as string[];
}
