import { findCredentials, openRegistryImage, parsePlatform, parseReference } from "../deps.js";
import type { ImageFacts } from "../policy/facts.js";
import type { RegistryAccess } from "../signature/registry-access.js";

const BASE_NAME = "org.opencontainers.image.base.name";

/**
 * What admission can learn without pulling layers: the digest the tag points at now (the
 * top-level manifest or index digest, which is what signatures name), creation time, layer
 * diffIDs and labels from the config. Vulnerability, secret and image-check rules need the
 * layers; those come from the catalog, never from a scan inside the webhook's deadline.
 */
export async function registryFacts(
  image: string,
  access: RegistryAccess & { platform?: string },
): Promise<ImageFacts> {
  const ref = parseReference(image);
  const img = await openRegistryImage(image, ref, {
    platform: parsePlatform(access.platform),
    creds: findCredentials(ref.registry, access),
    insecure: access.insecure,
    ca: access.ca,
  });
  const top = img.repoDigests[0]?.split("@")[1] ?? img.digest;
  return {
    target: image,
    ref: { ...ref, digest: ref.digest },
    digest: top,
    created: img.config.created,
    diffIds: img.config.rootfs?.diff_ids ?? [],
    baseName: img.config.config?.Labels?.[BASE_NAME],
    findings: [],
    scanned: false,
  };
}
