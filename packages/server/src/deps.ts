/** What the server uses from the packages before it. */
export { BulwarkError, ExitCode, deadline, errorMessage, VERSION } from "@bulwark/model";
export type {
  Finding,
  Report,
  Severity,
  VulnerabilityFinding,
  Inventory,
  Package,
  Scanner,
} from "@bulwark/model";
export { scanners as registeredScanners, matchInventory, cacheDir } from "@bulwark/scanner";
export { openVulnDb, type VulnDb } from "@bulwark/vulndb";
// Used by tests to build a real advisory database.
export { updateVulnDb } from "@bulwark/vulndb";
