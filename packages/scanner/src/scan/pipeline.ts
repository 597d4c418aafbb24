import { catalogers } from "../analyzer/registry.js";
import { type Analyzer, type OpenImageOptions, imageAccess, type ImageScanInput } from "@bulwark/model";
import { openImage } from "@bulwark/image";
import { buildInventory } from "../inventory/build.js";
import { walkImage } from "../walker/walk.js";

/** What the one pipeline needs: image access plus walk and inventory settings. */
export interface PipelineOptions extends OpenImageOptions {
  /** Progress lines (for a terminal); never part of the output. */
  progress?: (message: string) => void;
  /** Skip the per-layer result cache (neither read nor written). */
  noCache?: boolean;
  /** Leave out dev/test dependencies that lockfiles mark as such. */
  skipDev?: boolean;
}

/**
 * Opens a target as an image (registry, archive, layout or `rootfs:DIR`), walks its
 * layers once with the package catalogers plus the extra analyzers, builds the
 * inventory and hands everything to `use`. The image is closed whatever happens.
 * Scans and SBOMs both come through here.
 */
export async function withImageInput<T>(
  target: string,
  extraAnalyzers: Analyzer[],
  options: PipelineOptions,
  use: (input: ImageScanInput) => Promise<T>,
  verb = "analysing",
): Promise<T> {
  const image = await openImage(target, imageAccess(options));
  try {
    options.progress?.(`${verb} ${target}`);
    const layers = await walkImage(image, [...catalogers, ...extraAnalyzers], {
      cacheDir: options.cacheDir,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.noCache ? { noCache: true } : {}),
    });
    const inventory = buildInventory(image, layers, { skipDev: options.skipDev });
    return await use({ image, inventory, layers });
  } finally {
    await image.close();
  }
}
