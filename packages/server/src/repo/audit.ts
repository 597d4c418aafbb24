import type { Store } from "@bulwark/store";

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  source?: string;
  /** HTTP status, or 0 for offline CLI actions that succeeded. */
  outcome: number;
}

/** Appends one entry; the table refuses UPDATE and DELETE (triggers on both dialects). */
export async function audit(store: Store, e: AuditEntry): Promise<void> {
  await store.exec(
    "INSERT INTO audit_log (at, actor, action, target, source, outcome) VALUES ($1, $2, $3, $4, $5, $6)",
    [Date.now(), e.actor, e.action, e.target ?? null, e.source ?? null, e.outcome],
  );
}

export async function listAudit(store: Store, opts: { after?: number; limit: number }): Promise<unknown[]> {
  return store.query(
    "SELECT seq, at, actor, action, target, source, outcome FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    [opts.after ?? 0, opts.limit],
  );
}
