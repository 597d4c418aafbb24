/**
 * Runtime agents' batches from NATS (`runtime watch --nats`): the same bodies, checked against
 * the same JSON Schemas, as `POST /api/v1/alerts` and `POST /api/v1/evidence` take over HTTP.
 */
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Store } from "@bulwark/store";
import { errorMessage } from "../deps.js";
import { ingestAlerts, ingestEvidence, type AlertUpload, type EvidenceUpload } from "../repo/runtime.js";
import { alertsUpload, evidenceUpload } from "../schemas.js";

// ajv-formats is CommonJS: its function is the default export under Node, `.default` for tsc.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: false }));
const validAlerts = ajv.compile<{ alerts: AlertUpload[] }>(alertsUpload);
const validEvidence = ajv.compile<{ evidence: EvidenceUpload[] }>(evidenceUpload);

/** bulwark.runtime.<alerts|evidence>.<cluster>.<node> → stored items, or why the message is invalid. */
export async function ingestRuntimeMessage(
  store: Store,
  subject: string,
  data: Uint8Array,
): Promise<{ stored: number } | { invalid: string }> {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
  } catch (e) {
    return { invalid: errorMessage(e) };
  }
  const route = subject.split(".")[2];
  if (route === "alerts") {
    if (!validAlerts(body)) return { invalid: ajv.errorsText(validAlerts.errors) };
    return ingestAlerts(store, body.alerts);
  }
  if (route === "evidence") {
    if (!validEvidence(body)) return { invalid: ajv.errorsText(validEvidence.errors) };
    return ingestEvidence(store, body.evidence);
  }
  return { invalid: `no such route "${route ?? ""}"` };
}
