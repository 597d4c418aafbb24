/**
 * Shared pieces of the lockfile parsers: every package a lockfile declares is recorded
 * with the lockfile's path, the 1-based line of its entry and whether it is a dev/test
 * dependency (metadata.lockfile / .line / .dev), so reports can point at the line and
 * `--skip-dev` can leave dev dependencies out.
 */
import { type Package, type PackageType, LineIndex } from "@bulwark/model";
import { newPackage, parseError } from "../common/util.js";

export { parseError };

/** Something a lockfile says that cannot be checked (an unpinned requirement, an unresolved property). */
export interface LockNote {
  code: "not-checkable" | "unresolved" | "not-followed";
  message: string;
  /** not-followed: the include as written (`-r base.in`), resolved later against the tree when it is on disk. */
  target?: string;
}

export interface LockResult {
  packages: Package[];
  notes: LockNote[];
}

export interface LockEntry {
  type: PackageType;
  name: string;
  version: string;
  line: number;
  dev?: boolean;
  namespace?: string;
}

export function lockPackage(path: string, e: LockEntry): Package {
  const metadata: Record<string, string | number | boolean> = { lockfile: path, line: e.line };
  if (e.dev) metadata.dev = true;
  const pkg = newPackage({
    type: e.type,
    namespace: e.namespace,
    name: e.name,
    version: e.version,
    path,
    metadata,
  });
  if (e.line > 0) pkg.locations = [{ path, line: e.line }];
  return pkg;
}

/**
 * Finds the line of successive needles in a text, each search starting where the last
 * one matched, so entries are located in file order in one pass.
 */
export class LineFinder {
  private readonly index: LineIndex;
  private from = 0;
  constructor(private readonly text: string) {
    this.index = new LineIndex(text);
  }
  /** Line of the first occurrence of `needle` at or after the previous match (or anywhere, if `anywhere`). */
  find(needle: string, anywhere = false): number {
    let at = this.text.indexOf(needle, anywhere ? 0 : this.from);
    if (at < 0 && !anywhere) at = this.text.indexOf(needle);
    if (at < 0) return 0;
    if (!anywhere) this.from = at + needle.length;
    return this.index.line(at);
  }
  lineAt(offset: number): number {
    return this.index.line(offset);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** JSON.parse with the file named in the error; deeply nested input fails here, as an issue. */
export function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw parseError(`${path}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Lines of every `[[package]]` table header, in order: TOML lockfiles list packages this way. */
export function tomlArrayHeaderLines(text: string, header: string): number[] {
  const index = new LineIndex(text);
  const out: number[] = [];
  const re = new RegExp(`^\\[\\[${header.replace(/\./g, "\\.")}\\]\\][ \\t]*$`, "gm");
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(index.line(m.index));
  return out;
}
