import type { Scanner } from "@bulwark/model";
import { scanConfigPath } from "./engine.js";
import { scanHostRoot } from "./host/scan.js";
import { misconfigFsAnalyzer } from "./image/fs-analyzer.js";
import { scanImageMisconfig } from "./image/scan.js";

/** The misconfiguration scanner: config files, image config and filesystem, hosts. */
export const misconfigScanner: Scanner = {
  name: "misconfig",
  label: "misconfiguration",
  analyzers: () => [misconfigFsAnalyzer],
  scanImage: (input, options) => scanImageMisconfig(input, options),
  scanPath: (path, options) => scanConfigPath(path, options),
  scanHost: (root, options) => scanHostRoot(root, options),
};
