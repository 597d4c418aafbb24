import { catalogers } from "../analyzer/registry.js";
import type { Analyzer } from "@bulwark/model";
import { openImage } from "@bulwark/image";
import { imageAccess } from "@bulwark/model";
import { buildInventory } from "../inventory/build.js";
import { walkImage } from "../walker/walk.js";
import type { ScanOptions } from "@bulwark/model";
import type { ImageScanInput } from "@bulwark/model";

/**
 * Opens a target as an image (registry, archive, layout or `rootfs:DIR`), walks its
 * layers once with the package catalogers plus the extra analyzers, builds the
 * inventory and hands everything to `use`. The image is closed whatever happens.
 */
export async function withImageInput<T>(
  target: string,
  extraAnalyzers: Analyzer[],
  options: ScanOptions,
  use: (input: ImageScanInput) => Promise<T>,
): Promise<T> {
  const image = await openImage(target, imageAccess(options));
  try {
    options.progress?.(`analysing ${target}`);
    const layers = await walkImage(image, [...catalogers(), ...extraAnalyzers], {
      cacheDir: options.cacheDir,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    const inventory = buildInventory(image, layers, { skipDev: options.skipDev });
    return await use({ image, inventory, layers });
  } finally {
    await image.close();
  }
}
