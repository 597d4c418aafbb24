import { chmodSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runHostile } from "./harness.js";

// Issue 11, "never fooled": a file an analyzer wants but which is over that analyzer's size bound
// used to be skipped in silence (its size test sat in `wants`), so padding a file hid what it
// held — an os-release padded past 64 KiB hid the distribution and with it every OS match, a
// Go binary padded past 256 MiB hid its modules. Each is now an issue naming the file, the
// analyzer and the bound. The padding is sparse (no disk cost) and is never read.
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-oversized-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MiB = 1024 * 1024;
/** Path in the root → size, one per analyzer bound, each one byte over it. */
const OVERSIZED: Record<string, number> = {
  "/etc/os-release": 64 * 1024 + 1,
  "/usr/lib/python3/dist-packages/padded-1.0.dist-info/METADATA": 16 * MiB + 1,
  "/app/padded.deps.json": 64 * MiB + 1,
  "/var/lib/dpkg/status.d/padded": 4 * MiB + 1,
  "/usr/share/doc/padded/copyright": 8 * MiB + 1,
  "/usr/local/bin/padded-go": 256 * MiB + 1,
  "/etc/passwd": 4 * MiB + 1,
  "/srv/data/padded.env": 64 * MiB + 1,
};

function sparse(root: string, path: string, size: number, mode = 0o644): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "");
  truncateSync(file, size);
  chmodSync(file, mode);
}

function buildRoot(): string {
  const root = join(work, "root");
  for (const [path, size] of Object.entries(OVERSIZED))
    sparse(root, path, size, path.includes("/bin/") ? 0o755 : 0o644);
  // One file inside its bound, so the run shows bounded files are still read.
  mkdirSync(join(root, "usr/lib"), { recursive: true });
  writeFileSync(join(root, "usr/lib/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  return root;
}

type Issue = { path: string; code: string; message: string };

function issuesOf(stdout: string): Issue[] {
  return (JSON.parse(stdout) as { issues: Issue[] }).issues;
}

describe("a file over its analyzer's bound", () => {
  const root = buildRoot();

  it("is an issue of its own in the SBOM, naming the analyzer and the bound, never a silent skip", () => {
    const run = runHostile(["sbom", `rootfs:${root}`, "--format", "json"], join(work, "cache-sbom"));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    const issues = issuesOf(run.stdout);
    const byPath = new Map(issues.map((i) => [i.path, i]));
    for (const path of [
      "/etc/os-release",
      "/usr/lib/python3/dist-packages/padded-1.0.dist-info/METADATA",
      "/app/padded.deps.json",
      "/var/lib/dpkg/status.d/padded",
      "/usr/share/doc/padded/copyright",
      "/usr/local/bin/padded-go",
    ]) {
      expect(byPath.get(path)?.code, path).toBe("FILE_TOO_LARGE");
      expect(byPath.get(path)?.message, path).toContain(String(OVERSIZED[path]));
    }
    expect(byPath.get("/usr/local/bin/padded-go")?.message).toMatch(/gobinary \(limit 268435456\)/);
    expect(byPath.get("/usr/lib/os-release")).toBeUndefined();
    // The bounded os-release was read: the distribution is known.
    expect(run.stdout).toContain('"debian"');
    expect(run.strayFiles).toEqual([]);
  });

  it("is an issue for the secret, malware and account checks too", () => {
    const run = runHostile(
      ["scan", "rootfs", root, "--scanners", "misconfig,secret,malware", "--format", "json"],
      join(work, "cache-scan"),
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    const byPath = new Map(issuesOf(run.stdout).map((i) => [i.path, i]));
    expect(byPath.get("/etc/passwd")?.message).toMatch(/account file \/etc\/passwd is 4194305 bytes/);
    expect(byPath.get("/srv/data/padded.env")?.message).toMatch(/secret.*malware|malware.*secret/);
    expect(run.strayFiles).toEqual([]);
  });
});
