/**
 * What a runtime agent sends the server (`POST /api/v1/alerts`, `POST /api/v1/evidence`): the
 * agent writes these and the server reads them, so the shape lives here, below both.
 */

/** One alert. `id` makes re-sends idempotent (the server derives one from the content when absent). */
export interface AlertUpload {
  id?: string;
  /** The image digest the alert is about. */
  asset?: string;
  node?: string;
  rule: string;
  severity: string;
  message: string;
  at: string;
  data?: Record<string, unknown>;
}

/** One piece of runtime evidence about an image over a window [from, to]. */
export interface EvidenceUpload {
  id?: string;
  asset: string;
  /** loaded_files | listening_ports | packages_in_use | flows | baseline */
  kind: string;
  from: string;
  to: string;
  data: Record<string, unknown>;
}
