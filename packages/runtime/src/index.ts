/** Public API of the runtime package (events, rules, inputs, sensor, alerts, response). */
export * from "./events/index.js";
export * from "./rules/index.js";
export * from "./inputs/index.js";
export { RuntimeError, type RuntimeErrorCode } from "./errors.js";
export * from "./sensor/index.js";
export * from "./context/index.js";
export * from "./alerts/index.js";
export * from "./response/index.js";
export {
  startShipping,
  DiskSpool,
  Shipper,
  EvidenceCollector,
  toAlertUpload,
  observeImage,
} from "./ship/index.js";
export type {
  Observation,
  ObserveOptions,
  PrivilegeEvidence,
  Shipping,
  ShippingOptions,
  EvidenceItem,
  AlertUpload as RuntimeAlertUpload,
} from "./ship/index.js";
export { registerRuntime } from "./cli/register.js";
