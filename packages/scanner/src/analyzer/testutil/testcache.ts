/**
 * Test artefacts fetched from the npm registry or Debian's archive, cached under
 * os.tmpdir()/bulwark-test-cache/<recipe-hash>/ and built atomically (temp dir + rename)
 * so parallel test files never see half a download. Never committed to the repo.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function cacheRoot(): string {
  const root = join(tmpdir(), "bulwark-test-cache");
  mkdirSync(root, { recursive: true });
  return root;
}

/** Run `build(dir)` once per recipe; later calls return the finished directory. */
export function cached(recipe: string, build: (dir: string) => void): string {
  const final = join(cacheRoot(), createHash("sha256").update(recipe).digest("hex").slice(0, 16));
  if (existsSync(final)) return final;
  const work = mkdtempSync(join(cacheRoot(), "tmp-"));
  try {
    build(work);
    renameSync(work, final);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    if (existsSync(final)) return final; // another process finished first
    throw e;
  }
  return final;
}

export function run(cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** `apt-get download` the Debian packages and unpack them with `dpkg-deb -x` into one root. */
export function debianPackages(packages: string[]): { root: string; debs: string } {
  const dir = cached(`debian-root:${packages.join(",")}`, (dir) => {
    const debs = join(dir, "debs");
    mkdirSync(debs);
    run("apt-get", ["download", "-qq", "-o", "APT::Sandbox::User=root", ...packages], debs);
    const root = join(dir, "root");
    mkdirSync(root);
    for (const deb of readdirSync(debs)) run("dpkg-deb", ["-x", join(debs, deb), root]);
  });
  return { root: join(dir, "root"), debs: join(dir, "debs") };
}

/** `npm pack SPEC` and unpack the tarball; returns the unpacked `package/` directory. */
export function npmPackage(spec: string): string {
  const dir = cached(`npm-pack:${spec}`, (work) => {
    const tgz = run("npm", ["pack", "--silent", spec], work).trim().split("\n").pop() ?? "";
    run("tar", ["-xzf", join(work, tgz), "-C", work]);
  });
  return join(dir, "package");
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
