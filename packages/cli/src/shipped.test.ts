/**
 * The shipped command: packages/cli/bin/bulwark.js starting the esbuild bundle that
 * `npm run build` writes (scripts/bundle-cli.mjs). The golden tests check its reports byte
 * for byte; these check what sits around them. Skipped until the bundle is built.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "@bulwark/model";
import { describe, expect, it } from "vitest";
import { SAMPLES } from "../../scanner/src/analyzer/lockfile/testdata/samples.js";
import { commands } from "./commands.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = existsSync(join(cli, "dist/bundle/bulwark.js"));

function shipped(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [join(cli, "bin/bulwark.js"), ...args], (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end();
  });
}

describe.skipIf(!built)("the shipped bulwark command (needs `npm run build`)", () => {
  it("prints its version and the full command list", async () => {
    expect(await shipped(["--version"])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const help = await shipped(["--help"]);
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.stdout).toMatch(new RegExp(`^  ${c.name}\\b`, "m"));
  });

  it("reports bad input in one line, and with --debug a stack naming the TypeScript sources", async () => {
    const plain = await shipped(["sbom", "rootfs:/nonexistent-bulwark-test"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe(
      "bulwark: TARGET_NOT_FOUND: rootfs: /nonexistent-bulwark-test does not exist\n",
    );
    const debug = await shipped(["--debug", "sbom", "rootfs:/nonexistent-bulwark-test"]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/at \w+ \(.*packages\/image\/src\/open\.ts:\d+:\d+\)/);
  });

  // A one-shot command ends its process as soon as it returns (bin.ts), but only after what it
  // queued on a pipe is written: a reader that starts late still gets all 150 KB, more than a
  // pipe holds.
  it("ends a one-shot command without cutting its output to a slow pipe", async () => {
    const whole = await shipped(["checks", "list", "--format", "json"]);
    expect(whole.stdout.length).toBeGreaterThan(128 * 1024);
    const late = await new Promise<string>((done, fail) =>
      execFile(
        "sh",
        [
          "-c",
          '"$0" "$1" checks list --format json | (sleep 1; cat)',
          process.execPath,
          join(cli, "bin/bulwark.js"),
        ],
        { maxBuffer: 64 << 20 },
        (err, stdout) => (err ? fail(err) : done(stdout)),
      ),
    );
    expect(late).toBe(whole.stdout);
  });

  it("reads YAML lockfiles, whose parser the bundle loads on first use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-shipped-"));
    try {
      mkdirSync(join(dir, "app"));
      writeFileSync(join(dir, "app", "pnpm-lock.yaml"), SAMPLES["pnpm-lock.yaml"]!.text);
      const out = await shipped(["--quiet", "sbom", dir, "--format", "json"]);
      expect(out.code).toBe(0);
      const names = (JSON.parse(out.stdout) as { packages: Array<{ name: string }> }).packages.map(
        (p) => p.name,
      );
      expect(names).toContain("ms");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts the secret scan's worker threads from the bundle (--threads 2 finds what --threads 1 finds)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-shipped-"));
    try {
      for (let n = 0; n < 6; n++)
        writeFileSync(
          join(dir, `app${n}.env`),
          `GITHUB_TOKEN=ghp_${"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bD1fH3jL5"}\n`,
        );
      const args = ["--quiet", "scan", "fs", dir, "--scanners", "secret", "--format", "json"];
      const one = await shipped([...args, "--threads", "1"]);
      const two = await shipped([...args, "--threads", "2"]);
      expect([one.code, two.code, two.stderr]).toEqual([0, 0, ""]);
      const findings = (out: string): unknown[] => (JSON.parse(out) as { findings: unknown[] }).findings;
      expect(findings(one.stdout)).toHaveLength(6);
      expect(findings(two.stdout)).toEqual(findings(one.stdout));
      const bad = await shipped([...args, "--threads", "0"]);
      expect([bad.code, bad.stderr]).toEqual([
        2,
        'bulwark: USAGE: --threads: expected a whole number from 1 to 64, got "0"\n',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the runtime's default rules beside the bundle", async () => {
    // No events on stdin: the command still loads and compiles the default rules first.
    expect(await shipped(["runtime", "replay", "-"])).toEqual({
      code: 0,
      stdout: "",
      stderr: "replayed 0 events from 0 lines, 0 alerts\n",
    });
    const missing = await shipped(["runtime", "replay", "--rules", "/nonexistent.yaml", "-"]);
    expect(missing.stderr).toMatch(/^bulwark: RULES_UNREADABLE: /);
  });
});
