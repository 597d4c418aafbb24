/** Alerts as the server's `POST /api/v1/alerts` takes them, through the shipper's spool. */
import { createHash } from "node:crypto";
import type { ModelAlertUpload } from "../deps.js";
import type { Alert } from "../alerts/alert.js";
import type { AlertOutput } from "../alerts/outputs/types.js";
import type { Priority } from "../rules/index.js";
import type { Shipper } from "./shipper.js";

/** Falco-style priorities onto the server's severities. */
const SEVERITY: Record<Priority, string> = {
  EMERGENCY: "CRITICAL",
  ALERT: "CRITICAL",
  CRITICAL: "CRITICAL",
  ERROR: "HIGH",
  WARNING: "MEDIUM",
  NOTICE: "LOW",
  INFORMATIONAL: "LOW",
  DEBUG: "LOW",
};

/** An alert as the agent ships it: always with its id (re-sends are idempotent) and data. */
export type AlertUpload = ModelAlertUpload & { id: string; data: Record<string, unknown> };

export function toAlertUpload(a: Alert): AlertUpload {
  // The id is fixed when the alert is spooled, so every re-send carries the same one.
  const id = createHash("sha256")
    .update(JSON.stringify([a.time, a.rule, a.container.id, a.event.process.pid, a.output]))
    .digest("hex");
  return {
    id: `al-${id.slice(0, 48)}`,
    ...(a.imageDigest ? { asset: a.imageDigest } : {}),
    ...(a.hostname ? { node: a.hostname.slice(0, 512) } : {}),
    rule: a.rule.slice(0, 512),
    severity: SEVERITY[a.priority] ?? "UNKNOWN",
    message: a.output.slice(0, 8192),
    at: a.time,
    data: a as unknown as Record<string, unknown>,
  };
}

export class ServerAlertOutput implements AlertOutput {
  readonly name = "server";
  errors = 0;

  constructor(private readonly shipper: Shipper) {}

  send(alert: Alert): void {
    this.shipper.enqueue("alerts", toAlertUpload(alert));
  }

  async close(): Promise<void> {
    // The shipper is stopped by its owner after the sink, so the last alerts are spooled.
  }
}
