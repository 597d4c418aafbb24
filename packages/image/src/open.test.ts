import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { linesAnalyzer } from "../../testkit/src/walker/layers.js";
import { walkImage } from "../../scanner/src/walker/walk.js";
import { openImage } from "./open.js";
import { expectNothingWrittenOutsideCache } from "../../testkit/src/image/confine.js";
import { buildTwoPlatformLayout, skopeo } from "../../testkit/src/image/umoci.js";
import type { Image } from "../../model/src/image.js";

// Real images: built with umoci (so whiteouts are written by umoci itself) and
// converted with skopeo into oci-archive and docker-archive form.
let work: string;
let layout: string;
let cacheDir: string;
let ociArchive: string;
let dockerArchive: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "bulwark-open-"));
  layout = join(work, "layout");
  await buildTwoPlatformLayout(
    layout,
    [
      { files: { "/app/a.pkgs": "alpha 1.0\n", "/app/b.pkgs": "beta 2.0\n" }, createdBy: "COPY app /app" },
      { remove: ["/app/b.pkgs"], files: { "/app/c.pkgs": "gamma 3.0\n" }, createdBy: "RUN rm /app/b.pkgs" },
    ],
    work,
  );
  ociArchive = join(work, "image-oci.tar");
  dockerArchive = join(work, "image-docker.tar");
  await skopeo(["copy", `oci:${layout}:v1`, `oci-archive:${ociArchive}:v1`]);
  await skopeo(["copy", `oci:${layout}:v1`, `docker-archive:${dockerArchive}:example/app:1`]);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  cacheDir = await mkdtemp(join(work, "cache-"));
});
expectNothingWrittenOutsideCache(() => work);

async function summary(image: Image) {
  const layers = await walkImage(image, [linesAnalyzer()], { cacheDir, noCache: true });
  await image.close();
  return layers.map((l) => ({
    diffId: l.diffId,
    createdBy: l.createdBy,
    whiteouts: l.whiteouts,
    packages: l.results.flatMap(
      (r) => r.output.packages?.map((p) => `${r.path}:${p.name}@${p.version}`) ?? [],
    ),
  }));
}

describe("openImage on local images", () => {
  it("opens an OCI layout by tag: layers, diffIDs, history, umoci's whiteouts", async () => {
    const image = await openImage(`oci:${layout}:v1`, { cacheDir });
    expect(image).toMatchObject({
      source: "oci",
      repoTags: ["v1"],
      config: { architecture: "amd64", os: "linux" },
    });
    expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(image.layers).toHaveLength(2);
    expect(image.layers[0]?.digest).not.toBe(image.layers[0]?.diffId);
    const layers = await summary(image);
    expect(layers).toEqual([
      {
        diffId: expect.any(String),
        createdBy: "COPY app /app",
        whiteouts: [],
        packages: ["/app/a.pkgs:alpha@1.0", "/app/b.pkgs:beta@2.0"],
      },
      {
        diffId: expect.any(String),
        createdBy: "RUN rm /app/b.pkgs",
        whiteouts: ["/app/b.pkgs"],
        packages: ["/app/c.pkgs:gamma@3.0"],
      },
    ]);
  });

  it("oci-archive, docker-archive and bare paths give the same layers as the layout", async () => {
    const expected = await summary(await openImage(`oci:${layout}:v1`, { cacheDir }));
    const oci = await openImage(`oci-archive:${ociArchive}`, { cacheDir });
    expect(oci.source).toBe("oci-archive");
    expect(await summary(oci)).toEqual(expected);
    const docker = await openImage(`docker-archive:${dockerArchive}`, { cacheDir });
    expect(docker).toMatchObject({ source: "docker-archive", repoTags: ["docker.io/example/app:1"] });
    expect(await summary(docker)).toEqual(expected);
    expect((await openImage(dockerArchive, { cacheDir })).source).toBe("docker-archive");
    expect((await openImage(ociArchive, { cacheDir })).source).toBe("oci-archive");
    const bareLayout = await openImage(`${layout}:v1`, { cacheDir }).catch((e: unknown) => e);
    expect(bareLayout).toMatchObject({ code: "TARGET_NOT_FOUND" }); // a bare path takes no :TAG
    await expect(openImage(layout, { cacheDir })).rejects.toMatchObject({
      code: "TARGET_UNKNOWN",
      message: expect.stringContaining("v1, arm, multi"),
    });
  });

  it("reads a gzip-compressed docker save archive via a temp copy inside the cache dir, removed on close", async () => {
    const gz = join(work, "image-docker.tar.gz");
    await writeFile(gz, gzipSync(await readFile(dockerArchive)));
    const image = await openImage(gz, { cacheDir });
    expect(await readdir(join(cacheDir, "tmp"))).toHaveLength(1);
    expect(await summary(image)).toEqual(await summary(await openImage(`oci:${layout}:v1`, { cacheDir })));
    expect(await readdir(join(cacheDir, "tmp"))).toEqual([]);
  });

  it("reads a docker archive whose members' sizes only PAX records carry, as docker does (issue 11 defect 2)", async () => {
    const pax = join(work, "image-docker-pax.tar");
    execFileSync("python3", [
      join(import.meta.dirname, "../../testkit/src/fixtures/pax-sizes.py"),
      dockerArchive,
      pax,
    ]);
    // GNU tar agrees the rewritten archive holds the same members with the same sizes.
    expect(execFileSync("tar", ["-tvf", pax]).toString()).toEqual(
      execFileSync("tar", ["-tvf", dockerArchive]).toString(),
    );
    expect(await summary(await openImage(`docker-archive:${pax}`, { cacheDir }))).toEqual(
      await summary(await openImage(`docker-archive:${dockerArchive}`, { cacheDir })),
    );
  });

  it("sweeps temp copies that killed runs left behind, and bounds a new spool (issue 11 defect 8)", async () => {
    const gz = join(work, "image-docker-2.tar.gz");
    await writeFile(gz, gzipSync(await readFile(dockerArchive)));
    // A run that was killed: its process is gone, its 'archive-<pid>-…' copy is not.
    const dead = spawnSync("true").pid as number;
    const stale = join(cacheDir, "tmp", `archive-${dead}-killed`);
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, "image.tar"), "left behind");
    const image = await openImage(gz, { cacheDir });
    expect(await readdir(join(cacheDir, "tmp"))).toEqual([expect.stringMatching(`^archive-${process.pid}-`)]);
    await image.close();
    process.env.BULWARK_MAX_SPOOL_BYTES = "4096";
    try {
      await expect(openImage(gz, { cacheDir })).rejects.toMatchObject({
        code: "FILE_TOO_LARGE",
        message: expect.stringContaining("needs more than 4096 bytes"),
      });
    } finally {
      delete process.env.BULWARK_MAX_SPOOL_BYTES;
    }
    expect(await readdir(join(cacheDir, "tmp"))).toEqual([]);
  });

  it("reads zstd layers written by skopeo, and reuses gzip results cached for the same diffIDs", async () => {
    const zstdLayout = join(work, "layout-zstd");
    await skopeo(["copy", "--dest-compress-format", "zstd", `oci:${layout}:v1`, `oci:${zstdLayout}:v1`]);
    const zstd = await openImage(`oci:${zstdLayout}:v1`, { cacheDir });
    const gzip = await openImage(`oci:${layout}:v1`, { cacheDir });
    expect(zstd.layers.map((l) => l.mediaType)).toEqual([
      "application/vnd.oci.image.layer.v1.tar+zstd",
      "application/vnd.oci.image.layer.v1.tar+zstd",
    ]);
    expect(zstd.layers.map((l) => l.diffId)).toEqual(gzip.layers.map((l) => l.diffId));
    expect(await summary(zstd)).toEqual(await summary(gzip));
    // Cached by diffID: once walked as gzip, the zstd blobs need not be opened at all.
    await walkImage(gzip, [linesAnalyzer()], { cacheDir });
    let opens = 0;
    for (const l of zstd.layers) {
      const open = l.open.bind(l);
      l.open = () => (opens++, open());
    }
    const cached = await walkImage(zstd, [linesAnalyzer()], { cacheDir });
    expect(opens).toBe(0);
    expect(cached.map((l) => l.digest)).toEqual(zstd.layers.map((l) => l.digest));
  });

  it("selects from a multi-platform index by platform", async () => {
    const amd = await openImage(`oci:${layout}:multi`, { cacheDir });
    const arm = await openImage(`oci:${layout}:multi`, { cacheDir, platform: "linux/arm64/v8" });
    expect(amd.config.architecture).toBe("amd64");
    expect(arm.config.architecture).toBe("arm64");
    expect((await summary(arm))[0]?.packages).toEqual(["/app/arm.pkgs:armonly@1"]);
    await expect(
      openImage(`oci:${layout}:multi`, { cacheDir, platform: "linux/s390x" }),
    ).rejects.toMatchObject({
      code: "PLATFORM_NOT_FOUND",
      message: expect.stringContaining("linux/amd64, linux/arm64/v8"),
    });
  });

  it("opens a rootfs directory, and a bare directory without oci-layout as rootfs", async () => {
    const dir = await mkdtemp(join(work, "rootfs-"));
    expect(await openImage(`rootfs:${dir}`, { cacheDir })).toMatchObject({
      source: "rootfs",
      rootDir: dir,
      layers: [],
    });
    expect((await openImage(dir, { cacheDir })).source).toBe("rootfs");
  });
});

describe("openImage on bad targets", () => {
  it.each([
    ["not a ref!!", "TARGET_UNKNOWN"],
    ["./missing.tar", "TARGET_NOT_FOUND"],
    ["oci:/nonexistent/layout", "TARGET_NOT_FOUND"],
    ["docker-archive:/nonexistent.tar", "TARGET_NOT_FOUND"],
    ["rootfs:/etc/hostname", "TARGET_UNKNOWN"],
    ["/etc/passwd", "TARGET_UNKNOWN"],
  ])("%s -> %s", async (target, code) => {
    await expect(openImage(target, { cacheDir })).rejects.toMatchObject({ code });
  });

  it("an unknown tag, a missing index.json, config or layer blob is MANIFEST_MISSING", async () => {
    await expect(openImage(`oci:${layout}:nosuch`, { cacheDir })).rejects.toMatchObject({
      code: "MANIFEST_MISSING",
    });
    const broken = join(work, `broken-${Date.now()}`);
    await cp(layout, broken, { recursive: true });
    const image = await openImage(`oci:${broken}:v1`, { cacheDir });
    await rm(join(broken, "blobs", "sha256", (image.layers[1]?.digest ?? "").slice(7)));
    await expect(walkImage(image, [linesAnalyzer()], { cacheDir, noCache: true })).rejects.toMatchObject({
      code: "MANIFEST_MISSING",
      message: expect.stringContaining(image.layers[1]?.digest as string),
    });
    await rm(join(broken, "blobs", "sha256", (image.configDigest ?? "").slice(7)));
    await expect(openImage(`oci:${broken}:v1`, { cacheDir })).rejects.toMatchObject({
      code: "MANIFEST_MISSING",
    });
    await rm(join(broken, "index.json"));
    await expect(openImage(`oci:${broken}:v1`, { cacheDir })).rejects.toMatchObject({
      code: "MANIFEST_MISSING",
    });
  });

  it("a tampered layer blob fails its digest check", async () => {
    const tampered = join(work, `tampered-${Date.now()}`);
    await cp(layout, tampered, { recursive: true });
    const image = await openImage(`oci:${tampered}:v1`, { cacheDir });
    const blob = join(tampered, "blobs", "sha256", (image.layers[0]?.digest ?? "").slice(7));
    const data = await readFile(blob);
    // Append a second gzip member: still valid gzip, but no longer the blob the manifest names.
    await writeFile(blob, Buffer.concat([data, gzipSync(Buffer.alloc(0))]));
    await expect(walkImage(image, [linesAnalyzer()], { cacheDir, noCache: true })).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
  });

  it("a tar that is neither docker save output nor an OCI archive is TARGET_UNKNOWN; a docker archive without manifest.json is MANIFEST_MISSING", async () => {
    const src = await mkdtemp(join(work, "plain-"));
    await mkdir(join(src, "d"));
    await writeFile(join(src, "d", "f"), "x");
    const plain = join(work, "plain.tar");
    execFileSync("tar", ["-cf", plain, "-C", src, "d"]);
    await expect(openImage(plain, { cacheDir })).rejects.toMatchObject({ code: "TARGET_UNKNOWN" });
    await expect(openImage(`docker-archive:${plain}`, { cacheDir })).rejects.toMatchObject({
      code: "MANIFEST_MISSING",
    });
  });
});
