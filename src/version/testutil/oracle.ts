/**
 * Runs the native version comparators installed here over a whole batch, one
 * process per batch: libapt-pkg, librpm and packaging through Debian's python3,
 * Ruby's Gem::Version, Composer's VersionParser with PHP's version_compare, Go's
 * golang.org/x/mod/semver, Maven's ComparableVersion, and dpkg itself.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
/** Debian's interpreter: the pyenv python3 on PATH lacks the Debian modules. */
export const DEBIAN_PYTHON = "/usr/bin/python3";
const MAVEN_JAR = "/usr/share/java/maven-artifact-3.x.jar";
const GOPATH = "/usr/share/gocode";

export type OracleMode =
  "apt" | "rpm" | "pep440" | "pep440-valid" | "gem" | "gem-valid" | "composer" | "go" | "go-valid" | "maven";

interface Oracle {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  /** Maven's oracle reads tab-separated pairs; the others one JSON value per line. */
  tabs?: boolean;
  /** A command that succeeds only when the oracle can run, and what to install otherwise. */
  probe: [string, string[], string];
}

function goEnv(): Record<string, string> {
  const cache = path.join(os.tmpdir(), "bulwark-test-cache", "go-build");
  mkdirSync(cache, { recursive: true });
  return { GOPATH, GO111MODULE: "off", GOCACHE: cache, GOFLAGS: "" };
}

function oracle(mode: OracleMode): Oracle {
  const py = (module: string, pkg: string): Oracle => ({
    cmd: DEBIAN_PYTHON,
    args: [here("./oracle.py"), mode],
    probe: [DEBIAN_PYTHON, ["-c", `import ${module}`], pkg],
  });
  switch (mode) {
    case "apt":
      return py("apt_pkg", "python3-apt");
    case "rpm":
      return py("rpm", "python3-rpm");
    case "pep440":
    case "pep440-valid":
      return py("packaging.version", "python3-packaging");
    case "gem":
    case "gem-valid":
      return {
        cmd: "ruby",
        args: [here("./oracle.rb"), mode],
        probe: ["ruby", ["-e", "Gem::Version"], "ruby"],
      };
    case "composer":
      return {
        cmd: "php",
        args: [here("./oracle.php")],
        probe: [
          "php",
          ["-r", "require '/usr/share/php/Composer/Semver/autoload.php';"],
          "php-cli php-composer-semver",
        ],
      };
    case "go":
    case "go-valid":
      return {
        cmd: "go",
        args: ["run", here("./oracle.go"), mode],
        env: goEnv(),
        probe: [
          "test",
          ["-f", `${GOPATH}/src/golang.org/x/mod/semver/semver.go`],
          "golang-go golang-golang-x-mod-dev",
        ],
      };
    case "maven":
      return {
        cmd: "java",
        args: ["-cp", MAVEN_JAR, here("./MavenOracle.java")],
        tabs: true,
        probe: ["test", ["-f", MAVEN_JAR], "default-jre-headless libmaven3-core-java"],
      };
  }
}

/** Why the oracle cannot run here (to show in a skipped test's name), or undefined when it can. */
export function oracleUnavailable(mode: OracleMode): string | undefined {
  const o = oracle(mode);
  const [cmd, args, pkg] = o.probe;
  const ok = spawnSync(cmd, args).status === 0 && spawnSync(o.cmd, ["--version"]).error === undefined;
  return ok ? undefined : `(skipped: native oracle missing; install Debian ${pkg})`;
}

/** One result per input (a pair, or a string for *-valid modes): "-1", "0", "1", or a letter for rejected input. */
export function runOracle(mode: OracleMode, inputs: Array<[string, string] | string>): string[] {
  const o = oracle(mode);
  const lines = inputs.map((x) => (o.tabs && Array.isArray(x) ? x.join("\t") : JSON.stringify(x)));
  const r = spawnSync(o.cmd, o.args, {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...o.env },
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

/** dpkg --validate-version over a batch: true where dpkg accepts the version. */
export function runDpkgValidate(versions: string[]): boolean[] {
  const script =
    'while IFS= read -r v; do if dpkg --validate-version "$v" >/dev/null 2>&1; then echo 1; else echo 0; fi; done';
  const r = spawnSync("sh", ["-c", script], { input: versions.join("\n") + "\n", encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dpkg loop failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split("\n")
    .map((x) => x === "1");
}

export function dpkgUnavailable(): string | undefined {
  return spawnSync("dpkg", ["--version"]).status === 0 ? undefined : "(skipped: dpkg is not installed)";
}

/** Lists disagreements between ours and the oracle; pairs the oracle rejected (a letter) are left out. */
export function disagreements(
  pairs: Array<[string, string]>,
  native: string[],
  ours: (a: string, b: string) => number,
): string[] {
  return pairs.flatMap(([a, b], i) => {
    const n = native[i] ?? "";
    if (!/^-?[01]$/.test(n)) return [];
    const o = String(Math.sign(ours(a, b)));
    return o === n ? [] : [`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ours ${o}, native ${n}`];
  });
}
