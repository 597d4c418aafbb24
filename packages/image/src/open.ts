import { stat } from "node:fs/promises";
import { readBoundedFileSync, BulwarkError, type Image, type OpenImageOptions } from "@bulwark/model";
import { resolve } from "node:path";
import { openArchive } from "./archive.js";
import { dirBlobStore, openLayout } from "./layout.js";
import { parsePlatform, type Platform } from "./platform.js";
import { parseReference } from "./reference.js";
import { findCredentials } from "./registry/credentials.js";
import { openRegistryImage } from "./registry/image.js";

type Kind = "docker-archive" | "oci-archive" | "oci" | "rootfs" | "registry";

const PREFIXES: Record<string, Kind> = {
  "docker-archive": "docker-archive",
  "oci-archive": "oci-archive",
  oci: "oci",
  rootfs: "rootfs",
  registry: "registry",
  docker: "registry",
};

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Split "DIR:TAG" unless the whole string is itself an existing path. */
async function splitTag(spec: string): Promise<{ path: string; tag?: string }> {
  const colon = spec.lastIndexOf(":");
  if (colon <= 0 || (await statOrUndefined(spec)) || spec.slice(colon + 1).includes("/"))
    return { path: spec };
  return { path: spec.slice(0, colon), tag: spec.slice(colon + 1) };
}

async function requirePath(path: string, kind: Kind, dir: boolean): Promise<string> {
  const s = await statOrUndefined(path);
  if (!s) throw new BulwarkError("TARGET_NOT_FOUND", `${kind}: ${path} does not exist`);
  if (dir !== s.isDirectory())
    throw new BulwarkError(
      "TARGET_UNKNOWN",
      `${kind}: ${path} is ${dir ? "not a directory" : "a directory"}`,
    );
  // A FIFO or a device as an archive would hang the read or never end.
  if (!dir && !s.isFile()) throw new BulwarkError("TARGET_UNKNOWN", `${kind}: ${path} is not a regular file`);
  return resolve(path);
}

function rootfsImage(name: string, dir: string): Image {
  return {
    name,
    source: "rootfs",
    repoTags: [],
    repoDigests: [],
    config: {},
    layers: [],
    rootDir: dir,
    close: async () => {},
  };
}

async function openKind(
  kind: Kind,
  spec: string,
  name: string,
  opts: OpenImageOptions,
  platform: Platform,
): Promise<Image> {
  switch (kind) {
    case "rootfs":
      return rootfsImage(name, await requirePath(spec, kind, true));
    case "oci": {
      const { path, tag } = await splitTag(spec);
      const dir = await requirePath(path, kind, true);
      return openLayout(dirBlobStore(dir), { name, source: "oci", tag, platform });
    }
    case "docker-archive":
    case "oci-archive": {
      const { path, tag } = kind === "oci-archive" ? await splitTag(spec) : { path: spec, tag: undefined };
      const file = await requirePath(path, kind, false);
      return openArchive(file, { kind, name, tag, platform, cacheDir: opts.cacheDir });
    }
    case "registry": {
      const ref = parseReference(spec);
      const creds = findCredentials(ref.registry, opts);
      const ca = opts.caFile ? await readCaFile(opts.caFile) : undefined;
      return openRegistryImage(name, ref, { platform, creds, insecure: opts.insecure, ca });
    }
  }
}

/** A bare existing path: an OCI layout dir, a root filesystem dir, or an image archive. */
async function openBarePath(
  target: string,
  opts: OpenImageOptions,
  platform: Platform,
): Promise<Image | undefined> {
  const s = await statOrUndefined(target);
  if (!s) return undefined;
  if (s.isDirectory()) {
    const layout = await statOrUndefined(resolve(target, "oci-layout"));
    return openKind(layout ? "oci" : "rootfs", target, target, opts, platform);
  }
  return openArchive(resolve(target), { name: target, platform, cacheDir: opts.cacheDir });
}

// "./x", "/x", "~/x", "x.tar", "x.tar.gz": clearly meant as files, not registry names.
const PATH_LIKE = /^(?:\.{1,2}\/|\/|~\/)|\.(?:tar|tgz|tar\.gz)$/;

/**
 * Open any supported target. Prefixes: registry refs (plain, or `docker://`/`registry:`),
 * `docker-archive:FILE`, `oci-archive:FILE[:TAG]`, `oci:DIR[:TAG]`, `rootfs:DIR`; a bare
 * existing path is recognised by its contents.
 */
export async function openImage(target: string, opts: OpenImageOptions): Promise<Image> {
  const platform = parsePlatform(opts.platform);
  const m = /^([a-z-]+):(\/\/)?(.+)$/.exec(target);
  // "docker:24" is the docker image; only "docker://…" is the transport prefix.
  const kind = m && (m[1] !== "docker" || m[2]) ? PREFIXES[m[1] ?? ""] : undefined;
  if (m && kind) return openKind(kind, m[3] ?? "", target, opts, platform);
  const bare = await openBarePath(target, opts, platform);
  if (bare) return bare;
  if (PATH_LIKE.test(target)) throw new BulwarkError("TARGET_NOT_FOUND", `${target} does not exist`);
  try {
    parseReference(target);
  } catch {
    throw new BulwarkError(
      "TARGET_UNKNOWN",
      `unknown target ${JSON.stringify(target)}: not an existing path, a known prefix (docker-archive:, oci-archive:, oci:, rootfs:) or an image reference`,
    );
  }
  return openKind("registry", target, target, opts, platform);
}

async function readCaFile(file: string): Promise<string> {
  const pem = readBoundedFileSync(file, "CA file", "CONFIG_BYTES").toString("utf8");
  if (!pem.includes("-----BEGIN CERTIFICATE-----"))
    throw new BulwarkError("CONFIG_INVALID", `${file}: not a PEM certificate file`);
  return pem;
}
