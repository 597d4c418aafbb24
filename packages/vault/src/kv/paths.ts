/** Validation of secret paths and values: untrusted input from the API. */
import { VaultError, invalid } from "../errors.js";

export const MAX_PATH_BYTES = 512;
export const MAX_VALUE_BYTES = 512 * 1024;

/** A secret path: segments of printable characters, no "." or ".." segments, no empty segments. */
export function checkSecretPath(
  path: string,
  opts: { allowTrailingSlash?: boolean; allowEmpty?: boolean } = {},
): string {
  if (path === "" && opts.allowEmpty) return path;
  if (path === "") throw invalid("missing secret path");
  if (Buffer.byteLength(path) > MAX_PATH_BYTES)
    throw invalid(`invalid path: longer than ${MAX_PATH_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) throw invalid("invalid path: control characters or backslash");
  let p = path;
  if (p.endsWith("/")) {
    if (!opts.allowTrailingSlash) throw invalid("invalid path: cannot write to a path ending in '/'");
    p = p.slice(0, -1);
  }
  if (p === "" && opts.allowEmpty) return path;
  for (const seg of p.split("/")) {
    if (seg === "") throw invalid("invalid path: empty path segment");
    if (seg === "." || seg === "..") throw invalid("invalid path: '.' and '..' segments are not allowed");
  }
  return path;
}

/** Serialises a secret's data map, refusing non-objects and oversize values. */
export function encodeSecretData(data: unknown): Buffer {
  if (data === undefined || data === null) throw invalid("no data provided");
  if (typeof data !== "object" || Array.isArray(data)) throw invalid("data must be a JSON object");
  const raw = Buffer.from(JSON.stringify(data), "utf8");
  if (raw.length > MAX_VALUE_BYTES)
    throw new VaultError(
      "VAULT_TOO_LARGE",
      `secret value too large: ${raw.length} bytes (limit ${MAX_VALUE_BYTES})`,
    );
  return raw;
}
