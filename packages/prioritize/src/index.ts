export type { RiskFinding, RiskScore, RuntimeContext, Funnel } from "./types.js";
export { scoreFinding, isInUse, isExposed, WEIGHTS } from "./score.js";
export { prioritize, funnel, workloadRisk } from "./rank.js";
export { notInUseVex, type OpenVexDocument } from "./vex.js";
export { packagesInUse, observedFiles, dpkgOwnership, type OwnedPackage } from "./in-use.js";
export { registerPrioritize } from "./cli/prioritize.js";
