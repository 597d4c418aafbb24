/** The vulnerability database: import (`updateVulnDb`) and lookups (`openVulnDb`). */
export { openVulnDb, dbAgeWarning, MAX_AGE_DAYS } from "./store.js";
export type { VulnDb, VulnDbStatus, SourceStatus } from "./store.js";
export { updateVulnDb, MAX_INVALID_LISTED } from "./update.js";
export type { ImportReport, InvalidRecord, UpdateOptions } from "./update.js";
export { normalizePackageName, ecosystemBase } from "./names.js";
export { DEFAULT_ECOSYSTEMS, PUBLIC_KEV_URL, PUBLIC_OSV_BUCKET } from "./source.js";
export { dbPath } from "./schema.js";
export type * from "./osv.js";
