/**
 * A small Dockerfile parser: parser directives (escape), line continuations, comments
 * inside continuations, heredocs (kept as part of the instruction text), JSON and shell
 * forms, and --flags. Lines are 1-based.
 */
export interface Instruction {
  /** Upper-case keyword: FROM, RUN, USER, … */
  cmd: string;
  /** Everything after the keyword and flags, continuations joined with spaces; heredoc bodies appended. */
  args: string;
  /** JSON (exec) form, when the arguments are a JSON array of strings. */
  json?: string[];
  flags: Record<string, string>;
  line: number;
  endLine: number;
}

export interface Stage {
  /** Image or earlier stage the stage starts from, as written. */
  from: string;
  alias?: string;
  line: number;
  /** Build arguments used in FROM that have no value (no default and no inline `:-`). */
  unresolved?: string[];
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with defaults (used to expand FROM). */
  globalArgs: Record<string, string>;
  stages: Stage[];
  instructions: Instruction[];
  /** Line of the first instruction (comments before it are header comments). */
  firstLine: number;
  lineCount: number;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let escape = "\\";
  let i = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] ?? "");
    if (!m) break;
    if (m[1]!.toLowerCase() === "escape" && (m[2] === "`" || m[2] === "\\")) escape = m[2];
  }
  const instructions: Instruction[] = [];
  while (i < lines.length) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      i++;
      continue;
    }
    const start = i;
    let logical = "";
    let current = raw;
    for (;;) {
      const body = current.replace(/\s+$/, "");
      if (body.endsWith(escape)) {
        logical += `${body.slice(0, -1)} `;
        i++;
        // Comment lines inside a continuation are dropped, as the builder does.
        while (i < lines.length && /^\s*#/.test(lines[i] ?? "")) i++;
        if (i >= lines.length) break;
        current = lines[i] ?? "";
        continue;
      }
      logical += body;
      break;
    }
    i++;
    const heredocBodies: string[] = [];
    for (const h of logical.matchAll(HEREDOC)) {
      const stripTabs = h[1] === "-";
      const word = h[3]!;
      const body: string[] = [];
      while (i < lines.length) {
        const l = lines[i++] ?? "";
        if ((stripTabs ? l.replace(/^\t+/, "") : l) === word) break;
        body.push(l);
      }
      heredocBodies.push(body.join("\n"));
    }
    instructions.push(toInstruction(logical.trim(), heredocBodies, start + 1, i));
  }
  return assemble(instructions, lines.length);
}

function toInstruction(logical: string, heredocs: string[], line: number, endLine: number): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(logical);
  const cmd = (m?.[1] ?? "").toUpperCase();
  let rest = m?.[2] ?? "";
  const flags: Record<string, string> = {};
  for (;;) {
    const f = /^--([A-Za-z][\w-]*)(?:=(\S*))?\s*/.exec(rest);
    if (!f) break;
    flags[f[1]!] = f[2] ?? "";
    rest = rest.slice(f[0].length);
  }
  let json: string[] | undefined;
  if (rest.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) json = parsed;
    } catch {
      // not JSON: the builder treats it as shell form too
    }
  }
  const args = heredocs.length ? `${rest}\n${heredocs.join("\n")}` : rest;
  return { cmd, args, ...(json ? { json } : {}), flags, line, endLine };
}

function assemble(instructions: Instruction[], lineCount: number): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.cmd === "FROM") {
      const words = ins.args.split(/\s+/).filter(Boolean);
      const asAt = words.findIndex((w) => w.toUpperCase() === "AS");
      const unresolved: string[] = [];
      stages.push({
        from: expand(words[0] ?? "", globalArgs, unresolved),
        ...(unresolved.length ? { unresolved } : {}),
        ...(asAt > 0 && words[asAt + 1] ? { alias: words[asAt + 1]!.toLowerCase() } : {}),
        line: ins.line,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (ins.cmd === "ARG") for (const [k, v] of argPairs(ins.args)) globalArgs[k] = v ?? "";
    } else stages[stages.length - 1]!.instructions.push(ins);
  }
  return { globalArgs, stages, instructions, firstLine: instructions[0]?.line ?? lineCount + 1, lineCount };
}

/** `ARG A=1 B` → [["A","1"],["B",undefined]]; also used for ENV key=value lists. */
export function argPairs(args: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  for (const m of args.matchAll(/([A-Za-z_][\w.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const v = m[2];
    out.push([m[1]!, v === undefined ? undefined : v.replace(/^(["'])([\s\S]*)\1$/, "$2")]);
  }
  return out;
}

/** ENV in both forms: `ENV KEY=value …` and the legacy `ENV KEY value with spaces`. */
export function envPairs(args: string): Array<[string, string]> {
  const legacy = /^([A-Za-z_][\w.-]*)\s+([^=]*)$/.exec(args.trim());
  if (legacy && !args.trim().split(/\s+/)[0]!.includes("=")) return [[legacy[1]!, legacy[2]!.trim()]];
  return argPairs(args).map(([k, v]) => [k, v ?? ""]);
}

function expand(word: string, vars: Record<string, string>, unresolved: string[]): string {
  return word.replace(/\$\{?([A-Za-z_]\w*)(?::?-([^}]*))?\}?/g, (_, name: string, dflt?: string) => {
    const value = vars[name] || dflt || "";
    if (!value) unresolved.push(name);
    return value;
  });
}
