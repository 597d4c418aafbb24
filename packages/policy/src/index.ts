/** @bulwark/policy — image policy (ImagePolicy), signatures, the registry catalog and the admission webhook. */
export { registerPolicy } from "./cli/policy.js";
export { registerAdmission } from "./cli/admission.js";
export { registerRegistry } from "./cli/registry.js";
export { registerCatalog } from "./cli/catalog.js";
export { rematchAfterDbUpdate, type DbRematchOptions } from "./cli/db-rematch.js";
export type { RematchSummary, VerdictChange } from "./catalog/rematch.js";
