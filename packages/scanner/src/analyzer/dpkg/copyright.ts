import type { PackageLicenses } from "@bulwark/model";
/**
 * Licenses of Debian packages from machine-readable (DEP-5) copyright files,
 * /usr/share/doc/<package>/copyright. The status database carries no license, so the
 * result is a fact the inventory attaches to the deb package of that name:
 *   { kind: "license", type: "deb", package, licenses }.
 * Free-form copyright files are not guessed at.
 */
import { parseError } from "../common/util.js";

const DOC = "/usr/share/doc/";

export function isCopyrightPath(path: string): boolean {
  if (!path.startsWith(DOC) || !path.endsWith("/copyright")) return false;
  const pkg = path.slice(DOC.length, -"/copyright".length);
  return pkg.length > 0 && !pkg.includes("/");
}

export function packageOfCopyright(path: string): string {
  return path.slice(DOC.length, -"/copyright".length);
}

/** The short names on every License: line (the first line of the field), in order of appearance. */
export function dep5Licenses(text: string): string[] | undefined {
  const lines = text.split("\n");
  const first = lines.find((l) => l.trim() !== "");
  if (!first || !/^Format:/i.test(first)) return undefined;
  const out = new Set<string>();
  for (const line of lines) {
    const m = /^License:[ \t]*(.*?)\s*$/i.exec(line);
    if (m?.[1]) out.add(m[1]);
  }
  return [...out];
}

export function copyrightFact(path: string, text: string): PackageLicenses | undefined {
  if (text.includes("\0")) throw parseError(`${path}: binary content where text was expected`);
  const licenses = dep5Licenses(text);
  if (!licenses || licenses.length === 0) return undefined;
  return { type: "deb", package: packageOfCopyright(path), licenses };
}
