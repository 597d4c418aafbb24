import type { Readable } from "node:stream";

/** The parts of an OCI/Docker image config that scanners read. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    ExposedPorts?: Record<string, object>;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number };
    Volumes?: Record<string, object> | null;
  };
  history?: Array<{ created?: string; created_by?: string; empty_layer?: boolean; comment?: string }>;
  rootfs?: { type: string; diff_ids: string[] };
}

/** One filesystem layer of an image, in order from the base up. */
export interface Layer {
  /** Digest of the blob as stored (compressed); undefined for a plain directory. */
  digest?: string;
  /** Digest of the uncompressed tar: the layer cache key. */
  diffId?: string;
  mediaType?: string;
  size?: number;
  /** The history `created_by` line of the step that made this layer. */
  createdBy?: string;
  /** The raw blob stream (possibly compressed); the walker sniffs gzip/zstd/plain. */
  open(): Promise<Readable>;
}

/** An image opened from any source: registry, archive, OCI layout or root filesystem. */
export interface Image {
  /** What the user asked for, as typed. */
  name: string;
  /** How it was reached: registry, docker-archive, oci-archive, oci, rootfs. */
  source: "registry" | "docker-archive" | "oci-archive" | "oci" | "rootfs";
  /** Manifest digest, when there is a manifest. */
  digest?: string;
  /** Resolved repository references, e.g. ["docker.io/library/debian:12"]. */
  repoTags: string[];
  repoDigests: string[];
  config: ImageConfig;
  configDigest?: string;
  layers: Layer[];
  /** For rootfs targets: the directory itself (walked instead of tar layers). */
  rootDir?: string;
  /** Release temporary files (e.g. an extracted oci-archive). */
  close(): Promise<void>;
}

export interface OpenImageOptions {
  /** Bulwark's cache dir: the only place anything may be written (e.g. a decompressed archive). */
  cacheDir: string;
  /** "linux/amd64" (default), "linux/arm64/v8"; picks from image indexes. */
  platform?: string;
  username?: string;
  password?: string;
  /** Allow plain HTTP and unverified TLS for the registry. */
  insecure?: boolean;
  /** PEM file of extra CA certificates to trust for the registry and its token realm. */
  caFile?: string;
  /** Path of a docker config.json; default $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
  dockerConfig?: string;
}

/** The image-access part of a command's options, as openImage takes it. */
export function imageAccess(o: OpenImageOptions): OpenImageOptions {
  const { cacheDir, platform, username, password, insecure, caFile, dockerConfig } = o;
  return { cacheDir, platform, username, password, insecure, caFile, dockerConfig };
}
