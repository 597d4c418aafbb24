/**
 * Reads untrusted audit payloads: one `Event`, or an `EventList` (the webhook backend's
 * body), or JSON lines (the log backend's file). Every problem is a one-line reason; a
 * bad event never stops the others.
 */
import type { AuditEvent } from "../events/audit.js";

/** The webhook backend batches events; a body above this is refused, not parsed. */
export const MAX_AUDIT_BODY = 16 * 1024 * 1024;
/** One log line (one event, with request and response objects) above this is skipped. */
export const MAX_AUDIT_LINE = 4 * 1024 * 1024;

export type AuditParse =
  { ok: true; events: AuditEvent[]; rejected: string[] } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks the fields the rules and the join rely on; returns why not, or undefined. */
export function auditEventProblem(v: unknown): string | undefined {
  if (!isObject(v)) return "not a JSON object";
  if (v.kind !== undefined && v.kind !== "Event") return `kind ${JSON.stringify(v.kind)} is not Event`;
  for (const k of ["auditID", "stage", "verb"] as const)
    if (typeof v[k] !== "string" || v[k] === "") return `missing "${k}"`;
  if (typeof v.requestURI !== "string") return `missing "requestURI"`;
  if (!isObject(v.user)) return `missing "user"`;
  if (v.user.username !== undefined && typeof v.user.username !== "string")
    return `"user.username" is not a string`;
  if (v.objectRef !== undefined && !isObject(v.objectRef)) return `"objectRef" is not an object`;
  if (v.annotations !== undefined && !isObject(v.annotations)) return `"annotations" is not an object`;
  if (v.responseStatus !== undefined && !isObject(v.responseStatus))
    return `"responseStatus" is not an object`;
  return undefined;
}

/** Parses a webhook body or one log line: an Event or an EventList. */
export function parseAuditPayload(text: string): AuditParse {
  if (text.length > MAX_AUDIT_BODY)
    return { ok: false, reason: `payload larger than ${MAX_AUDIT_BODY} bytes` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  if (!isObject(doc)) return { ok: false, reason: "not a JSON object" };
  const items = doc.kind === "EventList" ? doc.items : [doc];
  if (!Array.isArray(items)) return { ok: false, reason: "EventList without an items list" };
  const events: AuditEvent[] = [];
  const rejected: string[] = [];
  items.forEach((item: unknown, i) => {
    const problem = auditEventProblem(item);
    if (problem) rejected.push(doc.kind === "EventList" ? `items[${i}]: ${problem}` : problem);
    else events.push(item as AuditEvent);
  });
  return { ok: true, events, rejected };
}
