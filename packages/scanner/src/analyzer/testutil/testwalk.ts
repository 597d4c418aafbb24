/** Test helper: offer every regular file under a directory to an analyzer, as the walker would. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Package } from "../../../../model/src/package.js";
import type { Analyzer, AnalyzerOutput } from "../../../../model/src/analyzer.js";
import { diskFile, offer } from "./testing.js";

/** Walk `dir` (symlinks are not followed, like the layer walker) offering files as `prefix/…`. */
export async function walkDir(
  analyzer: Analyzer,
  dir: string,
  prefix: string,
): Promise<Array<{ path: string; output: AnalyzerOutput }>> {
  const results: Array<{ path: string; output: AnalyzerOutput }> = [];
  const visit = async (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(child);
      else if (e.isFile()) {
        const path = `${prefix}/${child}`;
        const output = await offer(analyzer, diskFile(join(dir, child), path));
        if (output) results.push({ path, output });
      }
    }
  };
  await visit("");
  return results;
}

export function packagesOf(results: Array<{ output: AnalyzerOutput }>): Package[] {
  return results.flatMap((r) => r.output.packages ?? []);
}
