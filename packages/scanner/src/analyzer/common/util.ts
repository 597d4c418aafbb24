/** Small helpers shared by the catalogers: package construction, errors, size limits. */
import { BulwarkError, limit, type Package, type PackageType } from "@bulwark/model";

export const KiB = 1024;
export const MiB = 1024 * KiB;

/**
 * A malformed file: the walker records it with its path and carries on. Messages may quote
 * the input (JSON.parse does), so they are folded to one printable line of bounded length.
 */
export function parseError(message: string): BulwarkError {
  // eslint-disable-next-line no-control-regex
  const line = message.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return new BulwarkError("PARSE", line.length > 300 ? `${line.slice(0, 297)}...` : line);
}

/** Regular file (tar type bits absent or S_IFREG). */
/**
 * Refuses, before reading it, a package database over its bound: the refusal becomes the
 * file's issue in the report. (Refusing in `wants` instead would skip it in silence and
 * report an image without packages.)
 */
export function refuseOversizedDb(file: { path: string; size: number }): void {
  const max = limit("PACKAGE_DB_BYTES");
  if (file.size > max)
    throw new BulwarkError(
      "FILE_TOO_LARGE",
      `package database ${file.path} is ${file.size} bytes, over the ${max}-byte limit (raise it with BULWARK_MAX_PACKAGE_DB_BYTES); its packages are not listed`,
    );
}

/**
 * Refuses, before reading it, a file over an analyzer's bound for its kind: the refusal is
 * the file's issue in the report, where a size test in `wants` would skip it in silence.
 */
export function refuseOver(file: { path: string; size: number }, max: number, what: string): void {
  if (file.size > max)
    throw new BulwarkError(
      "FILE_TOO_LARGE",
      `${what} ${file.path} is ${file.size} bytes, over the ${max}-byte limit; not read`,
    );
}

export function isRegularFile(mode: number): boolean {
  const type = mode & 0o170000;
  return type === 0 || type === 0o100000;
}

export function isExecutable(mode: number): boolean {
  return isRegularFile(mode) && (mode & 0o111) !== 0;
}

export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

export function dirName(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export interface PackageFields {
  type: PackageType;
  name: string;
  version: string;
  path: string;
  namespace?: string;
  licenses?: string[];
  source?: { name: string; version: string };
  arch?: string;
  metadata?: Record<string, string | number | boolean>;
}

/** Every cataloger builds packages here so the shape stays uniform (purl is the inventory's job). */
export function newPackage(f: PackageFields): Package {
  const pkg: Package = {
    type: f.type,
    name: f.name,
    version: f.version,
    purl: "",
    licenses: uniqueNonEmpty(f.licenses ?? []),
    locations: [{ path: f.path }],
  };
  if (f.namespace) pkg.namespace = f.namespace;
  if (f.source) pkg.source = f.source;
  if (f.arch) pkg.arch = f.arch;
  if (f.metadata && Object.keys(f.metadata).length > 0) pkg.metadata = f.metadata;
  return pkg;
}

export function uniqueNonEmpty(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v.length > 0))];
}

/** Decode UTF-8 text; a NUL byte means the file is not the text format we expected. */
export function decodeText(buf: Buffer, what: string): string {
  if (buf.includes(0)) throw parseError(`${what}: binary content where text was expected`);
  return buf.toString("utf8");
}

export function parseJson(buf: Buffer, what: string): unknown {
  try {
    return JSON.parse(buf.toString("utf8").replace(/^\uFEFF/, "")) as unknown;
  } catch (e) {
    throw parseError(`${what}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
