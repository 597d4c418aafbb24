/** Knobs that make SBOM output reproducible in tests; defaults are a fresh id and now. */
export interface RenderOptions {
  timestamp?: Date;
  /** UUID for the CycloneDX serial number and the SPDX document namespace. */
  uuid?: string;
}
