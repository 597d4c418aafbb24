import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One layer of a test image: files to write, paths to delete, symlinks to make. */
export interface LayerSpec {
  files?: Record<string, string>;
  remove?: string[];
  symlinks?: Record<string, string>;
  createdBy?: string;
}

export interface ImageSpec {
  tag: string;
  arch?: string;
  layers: LayerSpec[];
}

async function umoci(args: string[]): Promise<void> {
  await run("umoci", args, { maxBuffer: 16 * 1024 * 1024 });
}

async function applyLayer(rootfs: string, spec: LayerSpec): Promise<void> {
  for (const path of spec.remove ?? []) await rm(join(rootfs, path), { recursive: true, force: true });
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    await mkdir(dirname(join(rootfs, path)), { recursive: true });
    await writeFile(join(rootfs, path), content);
  }
  for (const [path, target] of Object.entries(spec.symlinks ?? {})) {
    await mkdir(dirname(join(rootfs, path)), { recursive: true });
    await symlink(target, join(rootfs, path));
  }
}

/**
 * Build a real OCI image with umoci into `layout` (created if needed): one
 * unpack/modify/repack round per layer, so deletions become real whiteouts written by umoci.
 */
export async function buildImage(layout: string, spec: ImageSpec, scratch: string): Promise<void> {
  await mkdir(dirname(layout), { recursive: true });
  try {
    await umoci(["init", "--layout", layout]);
  } catch {
    // already a layout: add another tag to it
  }
  const ref = `${layout}:${spec.tag}`;
  await umoci(["new", "--image", ref]);
  const config = ["config", "--image", ref, "--os", "linux", "--architecture", spec.arch ?? "amd64"];
  await umoci(config);
  for (const [i, layer] of spec.layers.entries()) {
    const bundle = join(scratch, `bundle-${spec.tag}-${i}`);
    await umoci(["unpack", "--rootless", "--image", ref, bundle]);
    await applyLayer(join(bundle, "rootfs"), layer);
    await umoci(["repack", "--image", ref, "--history.created_by", layer.createdBy ?? `layer ${i}`, bundle]);
    await rm(bundle, { recursive: true, force: true });
  }
  await umoci(["gc", "--layout", layout]);
}

export async function skopeo(args: string[]): Promise<string> {
  const { stdout } = await run("skopeo", ["--insecure-policy", ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface IndexJson {
  schemaVersion: number;
  manifests: Array<{
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
    platform?: object;
  }>;
}

/**
 * Put already-built tags of `layout` into one multi-platform image index tagged
 * `indexTag` (umoci builds single-platform images; the index is plain OCI JSON).
 */
export async function assembleIndex(
  layout: string,
  members: Array<{ tag: string; platform: { os: string; architecture: string; variant?: string } }>,
  indexTag: string,
): Promise<string> {
  const top = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as IndexJson;
  const manifests = members.map((m) => {
    const entry = top.manifests.find((d) => d.annotations?.["org.opencontainers.image.ref.name"] === m.tag);
    if (!entry) throw new Error(`no tag ${m.tag} in ${layout}`);
    return { mediaType: entry.mediaType, digest: entry.digest, size: entry.size, platform: m.platform };
  });
  const body = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
  );
  const hex = createHash("sha256").update(body).digest("hex");
  await writeFile(join(layout, "blobs", "sha256", hex), body);
  top.manifests.push({
    mediaType: "application/vnd.oci.image.index.v1+json",
    digest: `sha256:${hex}`,
    size: body.length,
    annotations: { "org.opencontainers.image.ref.name": indexTag },
  });
  await writeFile(join(layout, "index.json"), JSON.stringify(top));
  return `sha256:${hex}`;
}

/**
 * The layout most image tests start from: tag `v1` (linux/amd64, the given layers), tag
 * `arm` (linux/arm64/v8, one file) and an index `multi` holding both.
 */
export async function buildTwoPlatformLayout(
  layout: string,
  v1: LayerSpec[],
  scratch: string,
): Promise<void> {
  await buildImage(layout, { tag: "v1", layers: v1 }, scratch);
  await buildImage(
    layout,
    { tag: "arm", arch: "arm64", layers: [{ files: { "/app/arm.pkgs": "armonly 1\n" } }] },
    scratch,
  );
  await assembleIndex(
    layout,
    [
      { tag: "v1", platform: { os: "linux", architecture: "amd64" } },
      { tag: "arm", platform: { os: "linux", architecture: "arm64", variant: "v8" } },
    ],
    "multi",
  );
}
