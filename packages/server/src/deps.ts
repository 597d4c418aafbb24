// The only file of this package that imports the existing scanner tree.
export { BulwarkError, ExitCode, errorMessage } from "../../../src/errors.js";
export type { Finding, Report, Severity, VulnerabilityFinding } from "../../../src/findings/types.js";
export type { Inventory, Package } from "../../../src/inventory/types.js";
export type { Scanner } from "../../../src/scan/types.js";
export { scanners as registeredScanners } from "../../../src/scan/registry.js";
export { matchInventory } from "../../../src/match/matcher.js";
export { openVulnDb, type VulnDb } from "../../../src/vulndb/store.js";
export { cacheDir } from "../../../src/cache/dirs.js";
export { VERSION } from "../../../src/version.js";
// Used by tests to build a real advisory database.
export { updateVulnDb } from "../../../src/vulndb/update.js";
