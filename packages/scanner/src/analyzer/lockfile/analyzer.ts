/**
 * The lockfile cataloger: dependency files committed in source trees (package-lock.json,
 * yarn.lock, poetry.lock, go.mod, pom.xml, …), read without anything installed. A file
 * that cannot be parsed throws a PARSE error, which the walker records as an issue for
 * that file; the rest of the tree is scanned. Notes (unpinned, unresolved) travel as facts.
 */
import type { Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { baseName, decodeText, isRegularFile, MiB, parseError } from "../common/util.js";
import { lockParserFor } from "./registry.js";

/** Larger dependency files exist only as attacks or generated noise; recorded as skipped by the walker. */
export const MAX_LOCKFILE_SIZE = 64 * MiB;

// Files inside installed dependencies are those packages' own manifests, not the project's.
const INSTALLED_DIRS = /\/(node_modules|site-packages|dist-packages|vendor|\.git)\//;

export const lockfileAnalyzer: Analyzer = {
  name: "lockfile",
  // 2: notes moved from the untyped `facts` field to `lockfileNotes`.
  version: 2,
  wants(path, info) {
    return (
      isRegularFile(info.mode) && !INSTALLED_DIRS.test(path) && lockParserFor(baseName(path)) !== undefined
    );
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const load = lockParserFor(baseName(file.path));
    if (!load) return undefined;
    // Oversized files are wanted so that the skip is recorded as an issue, never silent.
    if (file.size > MAX_LOCKFILE_SIZE)
      throw parseError(
        `${file.path}: ${file.size} bytes is over the ${MAX_LOCKFILE_SIZE}-byte lockfile limit`,
      );
    const parse = await load();
    const result = parse(decodeText(await file.read(), file.path), file.path);
    const notes = result.notes.map((n) => ({
      path: file.path,
      code: n.code,
      message: n.message,
      ...(n.target ? { target: n.target } : {}),
    }));
    if (!result.packages.length && !notes.length) return undefined;
    return { packages: result.packages, ...(notes.length ? { lockfileNotes: notes } : {}) };
  },
};
