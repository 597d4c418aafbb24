/**
 * Test helper: a real vulnerability database built by `updateVulnDb` from a source
 * directory laid out like ../shared/vulndb, zipped with Info-ZIP from JSON fixtures.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { updateVulnDb } from "../../../../vulndb/src/update.js";

export const MATCH_TESTDATA = resolve(dirname(fileURLToPath(import.meta.url)), "../testdata");
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../..");
// A git worktree sits deeper than the main checkout; BULWARK_SHARED_VULNDB points there.
export const SHARED_VULNDB = process.env.BULWARK_SHARED_VULNDB ?? resolve(REPO_ROOT, "../shared/vulndb");

/** Builds `<tmp>/source/osv/<Ecosystem>/all.zip` from fixture folders and imports it into `<tmp>/cache`. */
export async function fixtureDb(
  osv: Record<string, string>,
  kevFile?: string,
): Promise<{ cacheDir: string; root: string }> {
  const root = mkdtempSync(join(tmpdir(), "bulwark-match-"));
  for (const [ecosystem, dir] of Object.entries(osv)) {
    const out = join(root, "source", "osv", ecosystem);
    mkdirSync(out, { recursive: true });
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    execFileSync("zip", ["-q", "-j", join(out, "all.zip"), ...files.map((f) => join(dir, f))]);
  }
  if (kevFile) {
    mkdirSync(join(root, "source", "kev"), { recursive: true });
    copyFileSync(kevFile, join(root, "source", "kev", "known_exploited_vulnerabilities.json"));
  }
  const cacheDir = join(root, "cache");
  await updateVulnDb({ cacheDir, source: join(root, "source") });
  return { cacheDir, root };
}
