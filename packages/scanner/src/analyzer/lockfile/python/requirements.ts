/**
 * requirements*.txt: only `name==version` (or `===`) pins are checkable; any other
 * specifier is recorded as a "not checkable" note naming the line. `-r other.txt`
 * includes are followed when the included file is in the tree (the caller resolves them
 * through `readInclude`); a file named `*dev*` / `*test*` marks its packages as dev.
 */
import { lockPackage, type LockNote, type LockResult } from "../common.js";

const PIN = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(;.*)?$/;
const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)/;
const INCLUDE = /^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/;

export function isDevRequirements(path: string): boolean {
  return /(^|[/_.-])(dev|test|tests|testing|lint|docs)([/_.-]|$)/i.test(
    path.slice(path.lastIndexOf("/") + 1),
  );
}

/** Strips comments and `--hash` options; joins backslash continuations. */
function logicalLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let t = raw[i] ?? "";
    while (t.endsWith("\\") && i + 1 < raw.length) t = t.slice(0, -1) + " " + (raw[++i] ?? "");
    t = t
      .replace(/(^|\s)#.*$/, "")
      .replace(/\s--hash[=\s]\S+/g, "")
      .trim();
    if (t) out.push({ line: start + 1, text: t });
  }
  return out;
}

export interface RequirementsContext {
  /** Text of an included file resolved against the including file, or undefined when not in the tree. */
  readInclude?: (from: string, target: string) => { path: string; text: string } | undefined;
  seen?: Set<string>;
}

export function parseRequirements(text: string, path: string, ctx: RequirementsContext = {}): LockResult {
  const out: LockResult = { packages: [], notes: [] };
  const seen = ctx.seen ?? new Set([path]);
  const dev = isDevRequirements(path);
  const note = (code: LockNote["code"], line: number, message: string) =>
    out.notes.push({ code, message: `${path}:${line}: ${message}` });
  for (const { line, text: t } of logicalLines(text)) {
    const inc = INCLUDE.exec(t);
    if (inc) {
      const target = inc[2] ?? "";
      const included = ctx.readInclude?.(path, target);
      if (!included) {
        note("not-followed", line, `include ${target} is not in the scanned tree`);
        out.notes[out.notes.length - 1]!.target = target;
      } else if (!seen.has(included.path) && inc[1]?.startsWith("-r") !== false) {
        seen.add(included.path);
        const sub = parseRequirements(included.text, included.path, { ...ctx, seen });
        out.packages.push(...sub.packages);
        out.notes.push(...sub.notes);
      }
      continue;
    }
    if (t.startsWith("-")) continue; // --index-url, -e ., --find-links …
    const pin = PIN.exec(t);
    if (pin?.[1] && pin[3] && !pin[3].includes("*")) {
      out.packages.push(lockPackage(path, { type: "pypi", name: pin[1], version: pin[3], line, dev }));
    } else if (NAME.test(t) && !/^[a-z+]+:\/\//i.test(t)) {
      note("not-checkable", line, `${t} is not pinned to one version (use name==version)`);
    } else {
      note("not-checkable", line, `${t} is not a registry requirement`);
    }
  }
  return out;
}
