/** The library API: everything the CLI does is available in-process from here. */
export * from "./errors.js";
export type * from "./image/types.js";
export type * from "./inventory/types.js";
export type * from "./analyzer/types.js";
export type * from "./findings/types.js";
export type * from "./scan/types.js";
export { VERSION } from "./version.js";
export * from "./sbom/index.js";
export { scanTarget, DEFAULT_SCANNERS, type RunOptions, type TargetKind } from "./scan/run.js";
export type { ScanOptions } from "./scan/options.js";
export { renderReport, REPORT_FORMATS, type ReportFormat } from "./report/index.js";
export { matchInventory, type AdvisorySource, type MatchResult } from "./match/matcher.js";
export { applyIgnores, loadIgnoreFile, parseIgnoreFile, type IgnoreEntry } from "./findings/ignore.js";
export { applyVex, loadVexFiles, parseOpenVex, type VexStatement } from "./findings/vex.js";
