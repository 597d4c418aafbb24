import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Image } from "../../../model/src/image.js";
import { linesAnalyzer } from "../../../testkit/src/walker/layers.js";
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

describe("rootfs walk", () => {
  it("walks the directory as one pseudo-layer without following symlinks", async () => {
    const image: Image = {
      name: "rootfs:x",
      source: "rootfs",
      repoTags: [],
      repoDigests: [],
      config: {},
      layers: [],
      rootDir: root,
      close: async () => {},
    };
    const [layer, ...rest] = await walkImage(image, [linesAnalyzer()], { cacheDir });
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
