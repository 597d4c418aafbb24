import { createHash } from "node:crypto";
import type { AlertUpload, EvidenceUpload } from "@bulwark/model";
import type { Store } from "@bulwark/store";

export type { AlertUpload, EvidenceUpload };

function idOf(x: { id?: string }): string {
  return x.id ?? `sha256:${createHash("sha256").update(JSON.stringify(x)).digest("hex")}`;
}

/** Idempotent: an alert already stored (same id, or same content) is not stored twice. */
export async function ingestAlerts(
  store: Store,
  alerts: readonly AlertUpload[],
  now = Date.now(),
): Promise<{ stored: number }> {
  return store.transaction(async (tx) => {
    let stored = 0;
    for (const a of alerts) {
      const r = await tx.exec(
        `INSERT INTO alerts (id, asset, node, rule, severity, message, at, received_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO NOTHING`,
        [
          idOf(a),
          a.asset ?? null,
          a.node ?? null,
          a.rule,
          a.severity,
          a.message,
          Date.parse(a.at),
          now,
          JSON.stringify(a.data ?? {}),
        ],
      );
      stored += r.changes;
    }
    return { stored };
  });
}

export async function ingestEvidence(
  store: Store,
  items: readonly EvidenceUpload[],
  now = Date.now(),
): Promise<{ stored: number }> {
  return store.transaction(async (tx) => {
    let stored = 0;
    for (const e of items) {
      const r = await tx.exec(
        `INSERT INTO evidence (id, asset, kind, observed_from, observed_to, received_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO NOTHING`,
        [idOf(e), e.asset, e.kind, Date.parse(e.from), Date.parse(e.to), now, JSON.stringify(e.data)],
      );
      stored += r.changes;
    }
    return { stored };
  });
}

export async function listAlerts(store: Store, limit: number): Promise<unknown[]> {
  const rows = await store.query<{ data: string }>(
    "SELECT id, asset, node, rule, severity, message, at, received_at, data FROM alerts ORDER BY at DESC, id LIMIT $1",
    [limit],
  );
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as unknown }));
}

export async function listEvidence(
  store: Store,
  asset: string | undefined,
  limit: number,
): Promise<
  Array<{ asset: string; kind: string; observed_from: number; observed_to: number; data: unknown }>
> {
  const rows = await store.query<{
    asset: string;
    kind: string;
    observed_from: number;
    observed_to: number;
    data: string;
  }>(
    `SELECT id, asset, kind, observed_from, observed_to, received_at, data FROM evidence ${asset ? "WHERE asset = $2" : ""}
     ORDER BY observed_to DESC, id LIMIT $1`,
    asset ? [limit, asset] : [limit],
  );
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as unknown }));
}
