import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { BulwarkError, type ScanResult } from "@bulwark/model";

/** `bulwark scan config -`: the target that means "read standard input". */
export const STDIN_TARGET = "-";
/** How findings name the stream (a path would point at a temporary copy that is gone). */
export const STDIN_LABEL = "<stdin>";
/** A stream larger than this is refused: it is spooled to disk first. */
export const MAX_STDIN_BYTES = 1024 * 1024 * 1024;

/**
 * Spools standard input (for `helm template … | bulwark scan config -`) into a private
 * directory under Bulwark's cache, scans that copy with every selected scanner (so the
 * streaming YAML reader and the secret scanner work as on a file) and removes it. A
 * stream whose first instruction is FROM or ARG is named Dockerfile, anything else YAML.
 */
export async function scanStdin(
  cacheDir: string,
  scan: (path: string) => Promise<ScanResult[]>,
  input: Readable & { isTTY?: boolean } = process.stdin,
): Promise<ScanResult[]> {
  if (input.isTTY)
    throw new BulwarkError("USAGE", "scan config -: standard input is a terminal (pipe manifests in)");
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, "stdin-"));
  try {
    const path = await spool(input, dir);
    const results = await scan(path);
    return results.map((r) => relabel(r, path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function spool(input: Readable, dir: string): Promise<string> {
  const tmp = join(dir, "stream");
  const out = createWriteStream(tmp, { mode: 0o600 });
  let bytes = 0;
  let head = "";
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > MAX_STDIN_BYTES) {
      out.destroy();
      throw new BulwarkError(
        "FILE_TOO_LARGE",
        `scan config -: standard input is over ${MAX_STDIN_BYTES / 2 ** 20} MiB (write it to files and scan the directory)`,
      );
    }
    if (head.length < 4096) head += buf.toString("utf8", 0, Math.min(buf.length, 4096));
    if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  out.end();
  await finished(out);
  const name = looksLikeDockerfile(head) ? "Dockerfile" : "stdin.yaml";
  renameSync(tmp, join(dir, name));
  return join(dir, name);
}

export function looksLikeDockerfile(head: string): boolean {
  const first = head.split("\n").find((l) => l.trim() && !l.trim().startsWith("#"));
  return first !== undefined && /^\s*(FROM|ARG)\s+\S/i.test(first);
}

/** Findings and issues name the stream, not the temporary copy. */
function relabel(r: ScanResult, path: string): ScanResult {
  const fix = (p: string): string => (p === path ? STDIN_LABEL : p);
  return {
    ...r,
    findings: r.findings.map((f) => {
      const g = { ...f } as typeof f & { file?: string; location?: { path: string } };
      if (typeof g.file === "string") g.file = fix(g.file);
      if (g.location) g.location = { ...g.location, path: fix(g.location.path) };
      return g;
    }),
    ...(r.issues ? { issues: r.issues.map((i) => ({ ...i, path: fix(i.path) })) } : {}),
    ...(r.warnings ? { warnings: r.warnings.map((w) => w.split(path).join(STDIN_LABEL)) } : {}),
  };
}
