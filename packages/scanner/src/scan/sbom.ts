import type { Inventory } from "@bulwark/model";
import { renderSbomChunks, type SbomFormat } from "../report/sbom/index.js";
import { withImageInput, type PipelineOptions } from "./pipeline.js";

/** openImage's options (cache dir, platform, credentials) plus progress and cache control. */
export type SbomOptions = PipelineOptions;

/**
 * The complete package inventory of TARGET (registry reference, `docker-archive:FILE`,
 * `oci-archive:FILE`, `oci:DIR[:TAG]`, `rootfs:DIR` or an existing path): the image is
 * opened, its layers walked once with every package cataloger, and the image closed.
 */
export async function generateInventory(target: string, opts: SbomOptions): Promise<Inventory> {
  return withImageInput(target, [], opts, async ({ inventory }) => inventory, "cataloguing");
}

/** The SBOM of TARGET rendered in `format`, in pieces to write one after another (see renderSbomChunks). */
export async function generateSbom(
  target: string,
  format: SbomFormat,
  opts: SbomOptions,
): Promise<Iterable<string>> {
  return renderSbomChunks(await generateInventory(target, opts), format);
}
