import { type Inventory, escapeStrings } from "@bulwark/model";
import { jsonChunks } from "../json-stream.js";
import { cycloneDxSbomChunks } from "./cyclonedx.js";
import type { SbomFormat } from "./formats.js";
import type { RenderOptions } from "./options.js";
import { spdxChunks } from "./spdx.js";
import { sbomTableChunks } from "./table.js";

export type { RenderOptions } from "./options.js";
export { SBOM_FORMATS, parseSbomFormat, type SbomFormat } from "./formats.js";

/**
 * An inventory as text in one of the SBOM formats (`json` is the Inventory itself), in pieces
 * to write one after another: a quarter-million packages is never one string.
 */
export function renderSbomChunks(
  inv: Inventory,
  format: SbomFormat,
  opts: RenderOptions = {},
): Iterable<string> {
  switch (format) {
    case "cyclonedx-json":
      return cycloneDxSbomChunks(inv, opts);
    case "spdx-json":
      return spdxChunks(inv, opts);
    case "json":
      return jsonChunks(inv);
    case "table":
      return sbomTableChunks(escapeStrings(inv));
  }
}
