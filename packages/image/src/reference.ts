import { BulwarkError } from "@bulwark/model";

/** A parsed registry reference, normalised the way `docker pull` normalises it. */
export interface ImageReference {
  /** Registry host as written by users ("docker.io", "ghcr.io", "localhost:5000"). */
  registry: string;
  /** Repository path ("library/debian", "org/app"). */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = "docker.io";
const REPO_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** Parse `debian:12`, `ghcr.io/org/app@sha256:…`, `localhost:5000/app:1`. */
export function parseReference(input: string): ImageReference {
  const bad = (why: string): never => {
    throw new BulwarkError("TARGET_UNKNOWN", `not an image reference: ${JSON.stringify(input)} (${why})`);
  };
  if (!input || input !== input.trim()) bad("empty or padded with spaces");
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad("malformed digest");
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) bad("malformed tag");
  }
  const parts = rest.split("/");
  let registry = DOCKER_HUB;
  // Like docker: the first component is a registry host when it has a dot or a
  // port, or is "localhost"; otherwise the image lives on Docker Hub.
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    parts.shift();
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => !REPO_COMPONENT.test(p))) bad("malformed repository name");
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  if (!tag && !digest) tag = "latest";
  const ref: ImageReference = { registry, repository: parts.join("/") };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** "docker.io/library/debian:12" or "…@sha256:…". */
export function formatReference(ref: ImageReference): string {
  const base = `${ref.registry}/${ref.repository}`;
  if (ref.digest) return `${base}@${ref.digest}`;
  return `${base}:${ref.tag ?? "latest"}`;
}

/** The host the HTTP API is served from (Docker Hub's API is not on docker.io itself). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}

/** Loopback registries may speak plain HTTP without --insecure, as with docker. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
