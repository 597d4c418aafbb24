import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./harness.js";

// Issue 11, defect 9: a directory the scanning user cannot list was skipped silently by
// `--scanners misconfig`. Root reads every directory, so the CLI runs as `nobody` here.
const root = userInfo().uid === 0;
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-unreadable-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!root)(
  `unreadable directories${root ? "" : " (skipped: needs root to run as nobody)"}`,
  () => {
    it("are listed as issues by the misconfiguration scan, and the rest is scanned", () => {
      chmodSync(work, 0o755);
      const tree = join(work, "tree");
      mkdirSync(join(tree, "ok"), { recursive: true });
      mkdirSync(join(tree, "locked"));
      writeFileSync(join(tree, "ok", "Dockerfile"), "FROM debian:12\nUSER root\n");
      writeFileSync(join(tree, "locked", "Dockerfile"), "FROM debian:12\n");
      chmodSync(join(tree, "locked"), 0o000);
      const cache = join(work, "cache");
      mkdirSync(cache);
      const nobody = Number(spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim());
      chownSync(cache, nobody, nobody);
      const run = spawnSync(
        "runuser",
        [
          "-u",
          "nobody",
          "--",
          process.execPath,
          "--import",
          import.meta.resolve("tsx"),
          join(repoRoot, "packages/cli/src/bin.ts"),
        ].concat([
          "--cache-dir",
          cache,
          "scan",
          "config",
          tree,
          "--scanners",
          "misconfig",
          "--format",
          "json",
        ]),
        { encoding: "utf8", env: { ...process.env, HOME: cache, TSX_DISABLE_CACHE: "1" }, timeout: 300_000 },
      );
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as {
        issues: Array<{ path: string; code: string; message: string }>;
        findings: Array<{ file: string }>;
      };
      expect(report.issues).toEqual([
        { path: "locked", code: "IO", message: expect.stringContaining("cannot list directory: EACCES") },
      ]);
      expect(new Set(report.findings.map((f) => f.file))).toEqual(new Set(["ok/Dockerfile"]));
    });
  },
);
