/**
 * The Kubernetes audit event (`audit.k8s.io/v1` `Event`), as the API server writes it to
 * its log backend (one JSON object per line) and POSTs it to its webhook backend (an
 * `EventList`). Only the fields Bulwark reads are typed; the rest are kept as JSON.
 */
export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
}

export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID: string;
  /** RequestReceived, ResponseStarted, ResponseComplete or Panic. */
  stage: string;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: { code?: number; reason?: string; status?: string; message?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
}

export const AUDIT_API_VERSION = "audit.k8s.io/v1";

/** The query parameters of the request URI (kubectl exec sends one `command` per argv item). */
export function uriParams(requestURI: string): URLSearchParams {
  const q = requestURI.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : requestURI.slice(q + 1));
}
