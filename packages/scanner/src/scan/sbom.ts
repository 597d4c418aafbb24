import { catalogers } from "../analyzer/registry.js";
import { openImage } from "@bulwark/image";
import { imageAccess, type OpenImageOptions } from "@bulwark/model";
import { buildInventory } from "../inventory/build.js";
import type { Inventory } from "@bulwark/model";
import { renderSbom, type SbomFormat } from "../report/sbom/index.js";
import { walkImage } from "../walker/walk.js";

/** openImage's options (cache dir, platform, credentials) plus progress and cache control. */
export interface SbomOptions extends OpenImageOptions {
  /** Progress lines (for a terminal); never part of the output. */
  progress?: (message: string) => void;
  /** Skip the per-layer result cache (neither read nor written). */
  noCache?: boolean;
  /** Leave out dev/test dependencies that lockfiles mark as such. */
  skipDev?: boolean;
}

/**
 * The complete package inventory of TARGET (registry reference, `docker-archive:FILE`,
 * `oci-archive:FILE`, `oci:DIR[:TAG]`, `rootfs:DIR` or an existing path): the image is
 * opened, its layers walked once with every package cataloger, and the image closed.
 */
export async function generateInventory(target: string, opts: SbomOptions): Promise<Inventory> {
  const image = await openImage(target, imageAccess(opts));
  try {
    opts.progress?.(`cataloguing ${target}`);
    const layers = await walkImage(image, catalogers(), {
      cacheDir: opts.cacheDir,
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.noCache ? { noCache: true } : {}),
    });
    return buildInventory(image, layers, { skipDev: opts.skipDev });
  } finally {
    await image.close();
  }
}

/** The SBOM of TARGET rendered in `format` (see renderSbom). */
export async function generateSbom(target: string, format: SbomFormat, opts: SbomOptions): Promise<string> {
  return renderSbom(await generateInventory(target, opts), format);
}
