/**
 * Runs the native comparators installed here (Debian's python3-apt, python3-rpm,
 * python3-packaging, and dpkg itself) over a whole batch in one process each.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./oracle.py", import.meta.url));
/** Debian's interpreter: the pyenv python3 on PATH lacks the Debian modules. */
export const DEBIAN_PYTHON = "/usr/bin/python3";

/** Why the oracle cannot run here, or undefined when it can. */
export function oracleUnavailable(module: string): string | undefined {
  if (!existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} is not installed`;
  const r = spawnSync(DEBIAN_PYTHON, ["-c", `import ${module}`], { encoding: "utf8" });
  return r.status === 0 ? undefined : `Python module ${module} is missing (install the Debian package)`;
}

export type OracleMode = "apt" | "rpm" | "pep440" | "pep440-valid";

/** One result per input (a pair, or a string for pep440-valid): "-1", "0", "1", or "E" for rejected input. */
export function runOracle(mode: OracleMode, inputs: Array<[string, string] | string>): string[] {
  const lines = inputs.map((x) => JSON.stringify(x));
  const r = spawnSync(DEBIAN_PYTHON, [SCRIPT, mode], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`oracle ${mode} failed: ${r.stderr}`);
  const out = r.stdout.split("\n").slice(0, -1);
  if (out.length !== lines.length)
    throw new Error(`oracle ${mode}: ${out.length} results for ${lines.length} inputs`);
  return out;
}

/**
 * dpkg --compare-versions itself, one shell loop for the batch; slower than
 * apt_pkg (one process per comparison), so used on a smaller sample.
 */
export function runDpkg(pairs: Array<[string, string]>): number[] {
  const script =
    'while IFS="\t" read -r a b; do ' +
    'if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1; ' +
    'elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi; done';
  const r = spawnSync("sh", ["-c", script], {
    input: pairs.map(([a, b]) => `${a}\t${b}`).join("\n") + "\n",
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`dpkg loop failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").map(Number);
}

export function dpkgUnavailable(): string | undefined {
  const r = spawnSync("dpkg", ["--version"]);
  return r.status === 0 ? undefined : "dpkg is not installed";
}
