export {
  startServer,
  openServerStore,
  DEFAULT_PORT,
  type ServeOptions,
  type RunningServer,
} from "./serve.js";
export { buildApp, ROUTES, type AppOptions } from "./app.js";
export { serverMigrations } from "./migrations.js";
export { ingestScan, type ScanUpload, type IngestResult } from "./repo/ingest.js";
export { rematchAll, watchVulnDb, type RematchResult } from "./rematch.js";
export { uploadScan, uploadInventory, captureInventory, type InventoryResult } from "./client.js";
export { ServerError, type ServerErrorCode } from "./errors.js";
export { registerServe } from "./cli/serve.js";
export { registerAdmin } from "./cli/admin.js";
export { uploadAfterScan, uploadAfterSbom } from "./cli/scan-upload.js";
export {
  startFleetConsumer,
  publishReport,
  reportSubject,
  connectNats,
  STREAM,
  DURABLE,
} from "./fleet/nats.js";
