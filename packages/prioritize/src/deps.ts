/** What prioritisation uses from the packages before it. */
export { BulwarkError, errorMessage, labelSelectorMatches } from "@bulwark/model";
export type { EvidenceUpload } from "@bulwark/model";
