/**
 * @bulwark/vulndb — the vulnerability database: feed import (`updateVulnDb`), lookups
 * (`openVulnDb`), OSV record types, and the version comparators of every ecosystem.
 */
export { openVulnDb, dbAgeWarning, MAX_AGE_DAYS } from "./store.js";
export type { VulnDb, VulnDbStatus, SourceStatus } from "./store.js";
export { updateVulnDb, MAX_INVALID_LISTED } from "./update.js";
export type { ImportReport, InvalidRecord, UpdateOptions } from "./update.js";
export { normalizePackageName, ecosystemBase } from "./names.js";
export { DEFAULT_ECOSYSTEMS, PUBLIC_KEV_URL, PUBLIC_OSV_BUCKET } from "./source.js";
export { dbPath } from "./schema.js";
export type * from "./osv.js";
export { comparatorForEcosystem, comparatorForScheme } from "./version/index.js";
export type { Comparator } from "./version/types.js";
