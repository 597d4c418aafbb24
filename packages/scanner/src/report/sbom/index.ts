import { type Inventory, escapeStrings } from "@bulwark/model";
import { renderCycloneDxSbom } from "./cyclonedx.js";
import type { SbomFormat } from "./formats.js";
import type { RenderOptions } from "./options.js";
import { renderSpdxSbom } from "./spdx.js";
import { renderSbomTable } from "./table.js";

export type { RenderOptions } from "./options.js";
export { SBOM_FORMATS, parseSbomFormat, type SbomFormat } from "./formats.js";

/** An inventory as text in one of the SBOM formats; `json` is the Inventory itself. */
export function renderSbom(inv: Inventory, format: SbomFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case "cyclonedx-json":
      return renderCycloneDxSbom(inv, opts);
    case "spdx-json":
      return renderSpdxSbom(inv, opts);
    case "json":
      return `${JSON.stringify(inv, null, 2)}\n`;
    case "table":
      return renderSbomTable(escapeStrings(inv));
  }
}
