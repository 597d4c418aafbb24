// --version and top-level --help write to fd 1 without creating process.stdout (stdout.ts).
// Each case runs the CLI from source in a child process, so that its standard output is
// really a pipe, a file or /dev/null, whatever the test runner's own output is.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "@bulwark/model";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = join(repo, "packages/cli/src/bin.ts");
const node = (args: string[], stdout: "pipe" | number = "pipe") =>
  spawnSync(process.execPath, ["--import", "tsx", ...args], { cwd: repo, stdio: ["ignore", stdout, "pipe"] });
const work = mkdtempSync(join(tmpdir(), "bulwark-stdout-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The child's answer to stdoutIsPlain(), written to stderr, its stdout being `stdout`. */
const plainWhen = (stdout: "pipe" | number): string =>
  node(
    [
      "-e",
      'import("./packages/cli/src/stdout.ts").then((m) => process.stderr.write(String(m.stdoutIsPlain())))',
    ],
    stdout,
  ).stderr.toString();

describe("standard output without process.stdout", () => {
  it("knows a pipe, a file and /dev/null are no terminal", () => {
    expect(plainWhen("pipe")).toBe("true");
    const file = openSync(join(work, "out"), "w");
    const devNull = openSync("/dev/null", "w");
    try {
      expect(plainWhen(file)).toBe("true");
      expect(plainWhen(devNull)).toBe("true");
    } finally {
      closeSync(file);
      closeSync(devNull);
    }
  });

  const haveScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!haveScript)(
    "knows a terminal is one (util-linux `script` gives it a pty; skipped without it)",
    () => {
      const code =
        'import("./packages/cli/src/stdout.ts").then((m) => process.stdout.write("plain=" + m.stdoutIsPlain()))';
      const cmd = `${JSON.stringify(process.execPath)} --import tsx -e ${JSON.stringify(code)}`;
      const out = execFileSync("script", ["-qec", cmd, "/dev/null"], { cwd: repo, encoding: "utf8" });
      expect(out).toContain("plain=false");
    },
  );

  it("prints --version as commander did, into a pipe and a file", () => {
    expect(node([bin, "--version"]).stdout.toString()).toBe(`${VERSION}\n`);
    const path = join(work, "version");
    const file = openSync(path, "w");
    try {
      expect(node([bin, "-V"], file).status).toBe(0);
    } finally {
      closeSync(file);
    }
    expect(readFileSync(path, "utf8")).toBe(`${VERSION}\n`);
  });

  it("prints top-level --help as commander's own output settings do", () => {
    // The same program with commander's default output settings (a fresh Command's), whose
    // helpInformation() asks process.stdout for its width and colours.
    const code = [
      'import("commander").then(async ({ Command }) => {',
      '  const { buildProgram } = await import("./packages/cli/src/main.ts");',
      '  const program = await buildProgram(["--help"], { directStdout: true });',
      "  program.configureOutput(new Command().configureOutput());",
      "  process.stdout.write(program.helpInformation());",
      "});",
    ].join("\n");
    const expected = node(["-e", code]).stdout.toString();
    expect(expected).toMatch(/^Usage: bulwark /);
    const got = node([bin, "--help"]);
    expect(got.status).toBe(0);
    expect(got.stdout.toString()).toBe(expected);
  });
});
