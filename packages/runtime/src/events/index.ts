export * from "./types.js";
export { checkRuntimeEvent, type EventCheck } from "./validate.js";
export {
  AUDIT_API_VERSION,
  uriParams,
  type AuditEvent,
  type AuditObjectRef,
  type AuditUser,
} from "./audit.js";
