import { BulwarkError, type Image } from "@bulwark/model";
import { buildLayers, parseConfig, parseManifest, selectPlatform } from "../manifest.js";
import type { Platform } from "../platform.js";
import { formatReference, type ImageReference } from "../reference.js";
import { RegistryClient } from "./client.js";
import type { Credentials } from "./credentials.js";

/** Resolve a reference (through an index when it is one) and return the image; layers stream on open(). */
export async function openRegistryImage(
  name: string,
  ref: ImageReference,
  opts: { platform: Platform; creds?: Credentials; insecure?: boolean; ca?: string },
): Promise<Image> {
  const client = new RegistryClient(ref.registry, ref.repository, {
    creds: opts.creds,
    insecure: opts.insecure,
    ca: opts.ca,
  });
  const what = formatReference(ref);
  let top = await client.manifest(ref.digest ?? ref.tag ?? "latest");
  const repoDigest = top.digest;
  let parsed = parseManifest(top.data, `${what} manifest`, top.mediaType);
  if (parsed.kind === "index") {
    const chosen = selectPlatform(parsed, opts.platform, what);
    top = await client.manifest(chosen.digest);
    parsed = parseManifest(top.data, `${what} manifest ${chosen.digest}`, top.mediaType);
    if (parsed.kind !== "manifest")
      throw new BulwarkError("MANIFEST_INVALID", `${what}: index points at another index`);
  }
  const manifest = parsed;
  const config = parseConfig(await client.blob(manifest.config.digest, `${what} config`), `${what} config`);
  const layers = buildLayers(
    manifest.layers.map((l) => ({
      digest: l.digest,
      mediaType: l.mediaType,
      size: l.size,
      open: () => client.openBlob(l.digest, `${what} layer`, l.size),
    })),
    config,
    what,
  );
  const repo = `${ref.registry}/${ref.repository}`;
  return {
    name,
    source: "registry",
    digest: top.digest,
    repoTags: ref.tag ? [`${repo}:${ref.tag}`] : [],
    repoDigests: [`${repo}@${repoDigest}`],
    config,
    configDigest: manifest.config.digest,
    layers,
    close: async () => {},
  };
}
