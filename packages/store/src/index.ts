export type { Dialect, Store, Migration, QueryOptions } from "./types.js";
export { openStore, defaultDataDir, type OpenStoreOptions } from "./open.js";
export { migrate, appliedMigrations } from "./migrate.js";
export { StoreError, isUniqueViolation, type StoreErrorCode } from "./errors.js";
export {
  ServiceError,
  parseListen,
  isLoopback,
  checkListenSecurity,
  loadTls,
  stopOnSignal,
  type ServiceErrorCode,
  type ListenAddress,
  type TlsFiles,
  type TerminationOptions,
} from "./service.js";
