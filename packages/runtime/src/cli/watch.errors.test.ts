/**
 * `runtime watch` / `runtime status` refusals through the real CLI: bpftrace missing, the
 * sensor not permitted (run as `nobody`), bad flags — each one line on stderr, exit 2,
 * nothing on stdout. `status` with no watcher ever run says so and exits 0.
 */
import { spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../testkit/paths.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-watch-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bulwark(args: string[], opts: { env?: NodeJS.ProcessEnv; asNobody?: boolean } = {}) {
  const cli = [
    process.execPath,
    "--import",
    import.meta.resolve("tsx"),
    resolve(REPO_ROOT, "packages/cli/src/bin.ts"),
    "--cache-dir",
    dir,
    ...args,
  ];
  const [cmd, ...rest] = opts.asNobody ? ["runuser", "-u", "nobody", "--", ...cli] : cli;
  const r = spawnSync(cmd as string, rest, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, HOME: dir, TSX_DISABLE_CACHE: "1", ...opts.env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("runtime watch refusals", () => {
  it("bpftrace missing: one line, exit 2", () => {
    const r = bulwark(["runtime", "watch"], { env: { BULWARK_BPFTRACE: join(dir, "no-such-bpftrace") } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^bulwark: SENSOR_UNAVAILABLE: bpftrace not found at .*no-such-bpftrace.*--sensor proc.*\n$/,
    );
  });

  it.skipIf(process.getuid?.() !== 0)("not permitted (as nobody): one line, exit 2", () => {
    chownSync(dir, 65534, 65534);
    const r = bulwark(["runtime", "watch"], { asNobody: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^bulwark: SENSOR_NOT_PERMITTED: the eBPF sensor needs root.*\n$/);
  });

  it("bad flags: one line, exit 2", () => {
    for (const args of [
      ["--sensor", "ebpf"],
      ["--format", "xml"],
      ["--output", "kafka://x"],
      ["--duration", "-1"],
      ["--server", "not a url", "--token", "t"],
      ["--server", "ftp://127.0.0.1/", "--token", "t"],
      ["--token", "t"],
      ["--server", "http://127.0.0.1:1", "--token", "t", "--spool-max-mb", "0"],
      ["--server", "http://127.0.0.1:1", "--token", "t", "--cluster-cidr", "10.0.0.0/33"],
    ]) {
      const r = bulwark(["runtime", "watch", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("status with no watcher ever run says so and exits 0", () => {
    const r = bulwark(["runtime", "status", "--status-file", join(dir, "none.json")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^runtime watch: never run here\neBPF sensor: /);
  });
});
