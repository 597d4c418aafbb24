/**
 * The SBOM entry point (`@bulwark/scanner/sbom`): the walk, the catalogers and the SBOM
 * writers, without the vulnerability, misconfiguration and secret scanners the package root
 * also exports — so `bulwark sbom` does not load (or, bundled, even parse) them.
 */
export { generateInventory, generateSbom, type SbomOptions } from "./scan/sbom.js";
export { SBOM_FORMATS, parseSbomFormat, renderSbomChunks, type SbomFormat } from "./report/sbom/index.js";
