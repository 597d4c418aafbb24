/**
 * @bulwark/model — the contracts every stage shares: packages and inventories, image and layer
 * shapes, analyzer outputs, findings and reports, the Scanner contract, typed errors, and the
 * small primitives every stage needs (read bounds, temp dirs, terminal escaping).
 * It imports nothing from any other Bulwark package.
 */
export * from "./errors.js";
export * from "./clock.js";
export * from "./limits.js";
export * from "./tempdir.js";
export * from "./version.js";
export * from "./text/line-index.js";
export * from "./text/terminal.js";
export * from "./image.js";
export * from "./package.js";
export * from "./analyzer.js";
export * from "./finding.js";
export * from "./summary.js";
export * from "./scan.js";
export * from "./scan-options.js";
export * from "./runtime-upload.js";
export { cacheDir, defaultDataDir } from "./dirs.js";
export * from "./attestation.js";
export { labelSelectorMatches } from "./label-selector.js";
