import { parse, type ParseEntry } from "shell-quote";

/**
 * Shell scripts of RUN steps split into simple commands and words (shell-quote does the
 * quoting rules), so a flag is judged by the command it belongs to: `grep -- --force-yes`
 * is grep's argument, `echo "--allow-unauthenticated"` is text, `apt-get install sudo`
 * installs a package named sudo.
 */
export interface ShellCommand {
  /** Variables assigned for this command (`A=1 cmd`) or exported (`export A=1`). */
  env: Array<[string, string]>;
  /** The words of the command after the assignments, redirections removed. */
  argv: string[];
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;
const REDIRECT = new Set([">", ">>", "<", ">&", "<("]);
/** Wrappers that run the next words as the real command. */
const WRAPPERS = new Set([
  "sudo",
  "env",
  "nice",
  "nohup",
  "time",
  "xargs",
  "exec",
  "command",
  "doas",
  "gosu",
]);
const SHELLS = new Set([
  "sh",
  "bash",
  "dash",
  "ash",
  "zsh",
  "/bin/sh",
  "/bin/bash",
  "/bin/ash",
  "/usr/bin/bash",
]);

/** Unknown variables stay visible as `$NAME` instead of becoming empty. */
const keepVariable = (key: string): string => `$${key}`;

function parseLine(line: string): ParseEntry[] {
  try {
    return parse(line, keepVariable);
  } catch {
    // Unbalanced quotes and the like: fall back to whitespace words, still per line.
    return line.split(/\s+/).filter(Boolean);
  }
}

/** The simple commands of a script, nested `sh -c "…"` scripts included. */
export function shellCommands(script: string, depth = 0): ShellCommand[] {
  const out: ShellCommand[] = [];
  // Newlines end commands; a continuation has already been joined by the Dockerfile parser.
  for (const line of script.split("\n")) {
    let words: string[] = [];
    let skipNext = false;
    const flush = (): void => {
      if (words.length) out.push(...toCommand(words, depth));
      words = [];
    };
    for (const e of parseLine(line)) {
      if (typeof e === "string") {
        if (skipNext) skipNext = false;
        else words.push(e);
      } else if ("comment" in e) break;
      else if (e.op === "glob") words.push((e as { pattern: string }).pattern);
      else if (REDIRECT.has(e.op)) skipNext = true;
      else flush();
    }
    flush();
  }
  return out;
}

function toCommand(words: string[], depth: number): ShellCommand[] {
  const env: Array<[string, string]> = [];
  let i = 0;
  for (; i < words.length; i++) {
    const m = ASSIGN.exec(words[i]!);
    if (!m) break;
    env.push([m[1]!, m[2]!]);
  }
  const argv = words.slice(i);
  if (argv[0] === "export" || argv[0] === "declare" || argv[0] === "local")
    for (const w of argv.slice(1)) {
      const m = ASSIGN.exec(w);
      if (m) env.push([m[1]!, m[2]!]);
    }
  const cmd: ShellCommand = { env, argv };
  const prog = program(cmd);
  // `sh -c "script"`: the script's commands are commands too.
  if (depth < 3 && prog && SHELLS.has(prog.argv[0]!)) {
    const c = prog.argv.indexOf("-c");
    if (c > 0 && prog.argv[c + 1] !== undefined) return [cmd, ...shellCommands(prog.argv[c + 1]!, depth + 1)];
  }
  return [cmd];
}

/**
 * The command actually run, past wrappers (`sudo -u x apt-get …` → apt-get …) and their
 * own flags and assignments. Undefined for a bare assignment.
 */
export function program(cmd: ShellCommand): { argv: string[] } | undefined {
  let argv = cmd.argv;
  while (argv.length && WRAPPERS.has(baseName(argv[0]!))) {
    let i = 1;
    while (i < argv.length && (argv[i]!.startsWith("-") || ASSIGN.test(argv[i]!))) {
      // sudo -u USER / -g GROUP take a value.
      if (/^-[ugCDhpRrT]$/.test(argv[i]!)) i++;
      i++;
    }
    argv = argv.slice(i);
  }
  return argv.length ? { argv: [baseName(argv[0]!), ...argv.slice(1)] } : undefined;
}

export function baseName(word: string): string {
  return word.replace(/^.*\//, "");
}

/** Flags of a command: words before `--`, starting with `-`. */
export function flagsOf(argv: readonly string[]): string[] {
  const end = argv.indexOf("--");
  return (end >= 0 ? argv.slice(1, end) : argv.slice(1)).filter((w) => w.startsWith("-"));
}

/** True when a short-flag cluster (`-fsSLk`) or the long form names the flag. */
export function hasFlag(argv: readonly string[], short: string | undefined, ...long: string[]): boolean {
  return flagsOf(argv).some(
    (f) =>
      long.some((l) => f === l || f.startsWith(`${l}=`)) ||
      (short !== undefined && /^-[A-Za-z0-9]+$/.test(f) && f.slice(1).includes(short)),
  );
}

/** The program names of every command of a script, wrappers skipped. */
export function programsOf(script: string): Array<{ cmd: ShellCommand; argv: string[] }> {
  return shellCommands(script).flatMap((cmd) => {
    const p = program(cmd);
    return p ? [{ cmd, argv: p.argv }] : [];
  });
}
