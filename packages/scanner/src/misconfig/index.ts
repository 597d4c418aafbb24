export { misconfigScanner } from "./scanner.js";
export { scanConfigPath } from "./engine.js";
export { scanHostRoot } from "./host/scan.js";
export { scanImageMisconfig } from "./image/scan.js";
export { misconfigFsAnalyzer } from "./image/fs-analyzer.js";
export { catalog } from "./catalog.js";
export { buildCompliance } from "./compliance.js";
export { FRAMEWORKS, type FrameworkName } from "./frameworks.js";
export type { CheckMeta, Family } from "./types.js";
