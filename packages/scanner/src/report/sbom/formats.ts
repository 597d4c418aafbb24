import { BulwarkError } from "@bulwark/model";

/** Kept apart from the writers so the CLI can validate --format without loading them. */
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
