/**
 * Gemfile.lock: the `specs:` list of each GEM section, four-space indented
 * "name (version)" lines (six spaces are their dependencies). A platform suffix
 * ("1.15.4-x86_64-linux") is not part of the version. Groups live in the Gemfile:
 * dev is not set. GIT/PATH sections are the project's own sources and are skipped.
 */
import { lockPackage, parseError, type LockResult } from "../common.js";

const SPEC = /^ {4}([A-Za-z0-9_.-]+) \(([^)\s]+)\)$/;
const PLATFORM = /-(x86|x64|arm|aarch|java|universal|mingw|mswin|darwin|linux|ruby)[\w-]*$/;

export function parseGemfileLock(text: string, path: string): LockResult {
  const out: LockResult = { packages: [], notes: [] };
  let section = "";
  let sawSection = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^[A-Z]/.test(raw)) {
      section = raw.trim();
      sawSection = true;
      return;
    }
    if (section !== "GEM") return;
    const m = SPEC.exec(raw);
    if (m?.[1] && m[2])
      out.packages.push(
        lockPackage(path, { type: "gem", name: m[1], version: m[2].replace(PLATFORM, ""), line: i + 1 }),
      );
  });
  if (!sawSection) throw parseError(`${path}: no GEM, GIT, PATH or DEPENDENCIES section`);
  return out;
}
