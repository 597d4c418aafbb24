export type { RiskFinding, RiskScore, RuntimeContext, Funnel } from "./types.js";
export { scoreFinding, isInUse, isExposed, WEIGHTS } from "./score.js";
export { prioritize, funnel, workloadRisk } from "./rank.js";
export { notInUseVex, type OpenVexDocument } from "./vex.js";
export { packagesInUse, observedFiles, dpkgOwnership, type OwnedPackage } from "./in-use.js";
export { contextFromRecords, type EvidenceRecord } from "./evidence.js";
export { registerPrioritize, type Observer, type ObserverResult } from "./cli/prioritize.js";
export { readManifestExposure } from "./cli/manifests.js";
export { exposureFromManifests, exposureOfImage, mergeExposure, type ManifestExposure } from "./manifests.js";
