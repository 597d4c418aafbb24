import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Image } from "../../../model/src/image.js";
import { linesAnalyzer } from "../../../testkit/src/walker/layers.js";
import { mountPointsBelow } from "./rootfs.js";
import { walkImage } from "./walk.js";

let root: string;
let outside: string;
let cacheDir: string;

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), "bulwark-rootfs-"));
  root = join(base, "root");
  outside = join(base, "outside");
  cacheDir = join(base, "cache");
  await mkdir(join(root, "app"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, "app", "a.pkgs"), "inside 1.0\n");
  await writeFile(join(root, "app", "broken.pkgs"), "!nope");
  await writeFile(join(outside, "secret.pkgs"), "outside 6.6\n");
  // Links that would leave the root if followed: they must not be.
  await symlink(outside, join(root, "abs-dir-link"));
  await symlink("../outside", join(root, "rel-dir-link"));
  await symlink(join(outside, "secret.pkgs"), join(root, "app", "link.pkgs"));
});

afterAll(async () => {
  await rm(join(root, ".."), { recursive: true, force: true });
});

const rootfsImage = (rootDir: string): Image => ({
  name: "rootfs:x",
  source: "rootfs",
  repoTags: [],
  repoDigests: [],
  config: {},
  layers: [],
  rootDir,
  close: async () => {},
});

describe("rootfs walk", () => {
  it("walks the directory as one pseudo-layer without following symlinks", async () => {
    const [layer, ...rest] = await walkImage(rootfsImage(root), [linesAnalyzer()], { cacheDir });
    expect(rest).toEqual([]);
    expect(layer?.paths.sort()).toEqual([
      "/abs-dir-link",
      "/app",
      "/app/a.pkgs",
      "/app/broken.pkgs",
      "/app/link.pkgs",
      "/rel-dir-link",
    ]);
    expect(layer?.results.map((r) => [r.path, r.output.packages?.[0]?.name])).toEqual([
      ["/app/a.pkgs", "inside"],
    ]);
    expect(layer?.issues).toEqual([
      expect.objectContaining({ path: "/app/broken.pkgs", code: "PARSE", layer: "rootfs" }),
    ]);
    expect(layer?.digest).toBeUndefined();
    await expect(readdir(cacheDir)).rejects.toThrow(); // rootfs is never cached
  });
});

describe("rootfs walk stays on the root's file system", () => {
  it("reads mount points below the root from mountinfo, octal escapes decoded", async () => {
    const base = await mkdtemp(join(tmpdir(), "bulwark-mountinfo-"));
    const info = join(base, "mountinfo");
    const rootReal = await realpath(base);
    await writeFile(
      info,
      [
        `22 1 0:21 / / rw - ext4 /dev/vda rw`,
        `30 22 0:40 / ${rootReal}/proc rw - proc proc rw`,
        `31 22 0:41 / ${rootReal}/with\\040space rw - tmpfs tmpfs rw`,
        `32 22 0:42 / ${rootReal}-sibling rw - tmpfs tmpfs rw`,
      ].join("\n"),
    );
    expect([...(mountPointsBelow(base, info) ?? [])].sort()).toEqual(["/proc", "/with space"]);
    expect(mountPointsBelow(base, join(base, "absent"))).toBeUndefined();
    await rm(base, { recursive: true, force: true });
  });

  // Needs root to mount a tmpfs; the unit test above covers the parsing everywhere.
  it.skipIf(process.getuid?.() !== 0)("lists a mount point but does not enter it", async () => {
    const base = await mkdtemp(join(tmpdir(), "bulwark-xdev-"));
    await mkdir(join(base, "mnt"));
    await writeFile(join(base, "top.pkgs"), "top 1.0\n");
    execFileSync("mount", ["-t", "tmpfs", "bulwark-test", join(base, "mnt")]);
    try {
      await writeFile(join(base, "mnt", "inner.pkgs"), "inner 1.0\n");
      const [layer] = await walkImage(rootfsImage(base), [linesAnalyzer()], {
        cacheDir: join(tmpdir(), "unused"),
      });
      expect(layer?.paths.sort()).toEqual(["/mnt", "/top.pkgs"]);
      expect(layer?.results.map((r) => r.path)).toEqual(["/top.pkgs"]);
    } finally {
      execFileSync("umount", [join(base, "mnt")]);
      await rm(base, { recursive: true, force: true });
    }
  });
});
