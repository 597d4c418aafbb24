/**
 * go.mod: `require` directives (single-line and blocks) give the module versions the
 * build selects (Go ≥1.17 lists every module the build needs, indirect ones marked
 * `// indirect`); `replace` directives with a version override them, local-path replaces
 * are notes. go.sum adds nothing go.mod lacks for this purpose: it holds hashes of every
 * module version the resolver ever downloaded (including ones not selected), so it is
 * not read — reading it would report versions that are not built in.
 */
import { lockPackage, type LockResult } from "../common.js";

interface Req {
  path: string;
  version: string;
  line: number;
}

function unquote(s: string): string {
  return s.replace(/^"|"$/g, "").replace(/^`|`$/g, "");
}

export function parseGoMod(text: string, path: string): LockResult {
  const out: LockResult = { packages: [], notes: [] };
  const reqs = new Map<string, Req>();
  const replaces: Array<{ from: string; fromVersion?: string; to: string; version?: string; line: number }> =
    [];
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const t = raw.replace(/\/\/.*$/, "").trim();
    if (!t) return;
    if (block && t === ")") return void (block = undefined);
    const open = /^(require|replace|exclude|retract|tool|godebug)\s*\($/.exec(t);
    if (open) return void (block = open[1]);
    const m = /^(require|replace|exclude)\s+(.+)$/.exec(t);
    const verb = block ?? m?.[1];
    const rest = block ? t : m?.[2];
    if (!verb || !rest) return;
    const f = rest.split(/\s+/).map(unquote);
    if (verb === "require" && f[0] && f[1]) reqs.set(f[0], { path: f[0], version: f[1], line });
    if (verb === "replace") {
      const arrow = f.indexOf("=>");
      if (arrow < 1) return;
      replaces.push({
        from: f[0] ?? "",
        fromVersion: arrow === 2 ? f[1] : undefined,
        to: f[arrow + 1] ?? "",
        version: f[arrow + 2],
        line,
      });
    }
  });
  for (const r of replaces) {
    const req = reqs.get(r.from);
    if (!req || (r.fromVersion && r.fromVersion !== req.version)) continue;
    if (!r.version) {
      out.notes.push({
        code: "not-checkable",
        message: `${path}:${r.line}: ${r.from} is replaced by local path ${r.to}`,
      });
      reqs.delete(r.from);
    } else reqs.set(r.from, { path: r.to, version: r.version, line: r.line });
  }
  for (const r of reqs.values())
    out.packages.push(lockPackage(path, { type: "golang", name: r.path, version: r.version, line: r.line }));
  return out;
}
