/**
 * `-r other.txt` includes of requirements files, resolved against the scanned tree after
 * the walk (an analyzer sees one file at a time). An include that the walk already
 * catalogued (a requirements*.txt of its own) counts as followed; on a directory target
 * (`scan fs`, `sbom rootfs:`) any other included file inside the tree is read and
 * parsed; what stays unresolved keeps its "not-followed" issue.
 */
import { lstatSync, readFileSync, realpathSync } from "node:fs";
import { join, posix } from "node:path";
import type { Placed } from "@bulwark/model";
import { MAX_LOCKFILE_SIZE } from "./analyzer.js";
import { parseRequirements } from "./python/requirements.js";

/** Key of one include note, to drop the issue once the include was followed. */
export function includeKey(path: string, target: string): string {
  return `${path}\u0000${target}`;
}

/** The included file's text, when it is a regular file inside the root (symlinks may not leave it). */
function readInside(rootDir: string, path: string): string | undefined {
  try {
    const full = join(rootDir, path);
    const st = lstatSync(full);
    if (!st.isFile() || st.size > MAX_LOCKFILE_SIZE) return undefined;
    const root = realpathSync(rootDir);
    if (!realpathSync(full).startsWith(`${root}/`)) return undefined;
    return readFileSync(full, "utf8");
  } catch {
    return undefined;
  }
}

export function followIncludes(
  rootDir: string | undefined,
  survivors: Placed[],
): { placed: Placed[]; followed: Set<string> } {
  const catalogued = new Set(survivors.map((s) => s.path));
  const placed: Placed[] = [];
  const followed = new Set<string>();
  const seen = new Set<string>();
  for (const s of survivors) {
    for (const f of s.output.lockfileNotes ?? []) {
      if (f.code !== "not-followed" || f.target === undefined) continue;
      const from = f.path;
      const target = posix.normalize(posix.join(posix.dirname(from), f.target));
      if (catalogued.has(target) || seen.has(target)) {
        followed.add(includeKey(from, f.target));
        continue;
      }
      const text = rootDir ? readInside(rootDir, target) : undefined;
      if (text === undefined) continue;
      seen.add(target);
      followed.add(includeKey(from, f.target));
      const result = parseRequirements(text, target, {
        seen,
        readInclude: (inc, t) => {
          const p = posix.normalize(posix.join(posix.dirname(inc), t));
          const body = rootDir && !catalogued.has(p) ? readInside(rootDir, p) : undefined;
          return body === undefined ? undefined : { path: p, text: body };
        },
      });
      placed.push({
        layer: s.layer,
        analyzer: "lockfile",
        path: target,
        output: { packages: result.packages },
      });
    }
  }
  return { placed, followed };
}
