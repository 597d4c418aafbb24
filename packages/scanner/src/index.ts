/**
 * @bulwark/scanner — the build-stage pipeline over an image or a tree: layer walk → analyzers →
 * inventory → vulnerability matching, misconfiguration checks and secret rules → findings →
 * reports. `scanTarget` and `generateSbom` run it end to end; the parts are exported for tools
 * that need one stage (the server re-matches stored inventories with `matchInventory`).
 */
export { scanTarget, DEFAULT_SCANNERS, type RunOptions, type TargetKind } from "./scan/run.js";
export { generateInventory, generateSbom, type SbomOptions } from "./scan/sbom.js";
export { renderReportChunks, REPORT_FORMATS, type ReportFormat } from "./report/index.js";
export { parseReportFormat } from "./report/formats.js";
export {
  SBOM_FORMATS,
  parseSbomFormat,
  renderSbomChunks,
  type RenderOptions,
  type SbomFormat,
} from "./report/sbom/index.js";
export { matchInventory, type AdvisorySource, type MatchResult } from "./match/matcher.js";
export { applyIgnores, loadIgnoreFile, parseIgnoreFile, type IgnoreEntry } from "./findings/ignore.js";
export { applyVex, loadVexFiles, parseOpenVex, type VexStatement } from "./findings/vex.js";
export { cacheDir } from "@bulwark/model";
export { catalog } from "./misconfig/catalog.js";
export { FAMILIES, type CheckMeta } from "./misconfig/types.js";
export { kubernetesRules } from "./secret/kubernetes.js";
export { builtinRules } from "./secret/rules/index.js";
export { scanners } from "./scan/registry.js";
export { withImageInput, type PipelineOptions } from "./scan/pipeline.js";
export { checkVulnDb } from "./match/scanner.js";
export { buildContext } from "./secret/config.js";
export { imageLayerHits, imageConfigHits, secretAnalyzer } from "./secret/image.js";
export { scanTree } from "./secret/tree.js";
export { KubernetesFamily } from "./misconfig/kubernetes/family.js";
export { parseYamlFull } from "./misconfig/yaml-source.js";
