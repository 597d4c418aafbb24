import { BulwarkError } from "../../errors.js";
import type { Inventory } from "../../inventory/types.js";
import { renderCycloneDxSbom } from "./cyclonedx.js";
import type { RenderOptions } from "./options.js";
import { renderSpdxSbom } from "./spdx.js";
import { renderSbomTable } from "./table.js";

export type { RenderOptions } from "./options.js";

export const SBOM_FORMATS = ["cyclonedx-json", "spdx-json", "json", "table"] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export function parseSbomFormat(value: string): SbomFormat {
  const f = SBOM_FORMATS.find((x) => x === value);
  if (!f)
    throw new BulwarkError(
      "USAGE",
      `--format: unknown SBOM format "${value}" (expected ${SBOM_FORMATS.join(", ")})`,
    );
  return f;
}

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
      return renderSbomTable(inv);
  }
}
