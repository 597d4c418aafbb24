/**
 * Runs the native version comparators installed here over a whole batch, one
 * process per batch: libapt-pkg, librpm and packaging through Debian's python3,
 * Ruby's Gem::Version, Composer's VersionParser with PHP's version_compare, Go's
 * golang.org/x/mod/semver, Cargo's semver crate (built with rustc), Maven's
 * ComparableVersion, and dpkg itself.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
/** Debian's interpreter: the pyenv python3 on PATH lacks the Debian modules. */
export const DEBIAN_PYTHON = "/usr/bin/python3";
const MAVEN_JAR = "/usr/share/java/maven-artifact-3.x.jar";
const GOPATH = "/usr/share/gocode";

export type OracleMode =
  | "apt"
  | "rpm"
  | "pep440"
  | "pep440-valid"
  | "gem"
  | "gem-valid"
  | "composer"
  | "go"
  | "go-valid"
  | "cargo"
  | "cargo-valid"
  | "maven";

interface Oracle {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  /** Maven's and Cargo's oracles read tab-separated lines; the others one JSON value per line. */
  tabs?: boolean;
  /** Compiles the oracle first (Rust); returns false when it cannot. */
  prepare?: () => boolean;
  /** A command that succeeds only when the oracle can run, and what to install otherwise. */
  probe: [string, string[], string];
}

const CARGO_REGISTRY = "/usr/share/cargo/registry";
/** Debian's vendored semver crate source (librust-semver-dev), e.g. semver-1.0.14. */
const SEMVER_CRATE = path.join(
  CARGO_REGISTRY,
  (existsSync(CARGO_REGISTRY) ? readdirSync(CARGO_REGISTRY) : []).find((d) => /^semver-1\./.test(d)) ??
    "semver-1",
);
/** The build is cached per oracle source and crate version. */
const RUST_CACHE = path.join(
  os.tmpdir(),
  "bulwark-test-cache",
  "rust-semver-oracle-" +
    createHash("sha256")
      .update(readFileSync(here("./oracle.rs")))
      .update(SEMVER_CRATE)
      .digest("hex")
      .slice(0, 16),
);

/** Builds the semver crate and the oracle with rustc alone (no network, no Cargo registry). */
function buildRustOracle(): boolean {
  const bin = path.join(RUST_CACHE, "oracle");
  if (existsSync(bin)) return true;
  mkdirSync(RUST_CACHE, { recursive: true });
  const lib = spawnSync("rustc", [
    ...["--crate-name", "semver", "--crate-type", "rlib", "--edition", "2018", "-O", "--cap-lints", "allow"],
    ...["--cfg", 'feature="std"', path.join(SEMVER_CRATE, "src/lib.rs"), "--out-dir", RUST_CACHE],
  ]);
  if (lib.status !== 0) return false;
  const tmp = `${bin}.${process.pid}`;
  const main = spawnSync("rustc", [
    ...["--edition", "2018", "-O", "--extern", `semver=${path.join(RUST_CACHE, "libsemver.rlib")}`],
    ...[here("./oracle.rs"), "-o", tmp],
  ]);
  if (main.status !== 0) return false;
  renameSync(tmp, bin);
  return true;
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
    case "cargo":
    case "cargo-valid":
      return {
        cmd: path.join(RUST_CACHE, "oracle"),
        args: [mode],
        tabs: true,
        prepare: buildRustOracle,
        probe: ["test", ["-d", SEMVER_CRATE], "librust-semver-dev (and rustc)"],
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
  const ok =
    spawnSync(cmd, args).status === 0 &&
    (o.prepare ? o.prepare() : spawnSync(o.cmd, ["--version"]).error === undefined);
  return ok ? undefined : `(skipped: native oracle missing; install Debian ${pkg})`;
}

/** One result per input (a pair, or a string for *-valid modes): "-1", "0", "1", or a letter for rejected input. */
export function runOracle(mode: OracleMode, inputs: Array<[string, string] | string>): string[] {
  const o = oracle(mode);
  if (o.prepare && !o.prepare()) throw new Error(`oracle ${mode} could not be built`);
  const lines = inputs.map((x) => (o.tabs ? (Array.isArray(x) ? x.join("\t") : x) : JSON.stringify(x)));
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
