/** Where the shipper's batches go: the server's HTTP API, or NATS JetStream (nats.ts). */
import type { SpoolRoute } from "./spool.js";

/** ok: stored; retry: try again later (keep it spooled); rejected: refused for good (dropped, logged). */
export type SendOutcome = "ok" | "retry" | "rejected";

export interface ShipTransport {
  /** Named in log lines ("server http://…", "NATS nats://…"). */
  readonly target: string;
  /** Why the last send did not succeed. */
  readonly lastError?: string;
  send(route: SpoolRoute, items: unknown[]): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** 4xx answers that a later attempt can cure: auth being fixed, rate limits, timeouts. */
const RETRYABLE_4XX = new Set([401, 403, 408, 425, 429]);

/** `POST /api/v1/alerts|evidence` with an ingest token. */
export class HttpTransport implements ShipTransport {
  lastError?: string;

  constructor(
    private readonly server: string,
    private readonly token: string,
    private readonly log: (line: string) => void,
  ) {}

  get target(): string {
    return `server ${this.server}`;
  }

  async send(route: SpoolRoute, items: unknown[]): Promise<SendOutcome> {
    const url = `${this.server.replace(/\/+$/, "")}/api/v1/${route}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ [route]: items }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause;
      this.lastError = cause?.message ?? (e as Error).message;
      return "retry";
    }
    const text = await res.text().catch(() => "");
    if (res.ok) return "ok";
    this.lastError = `${res.status} ${text.slice(0, 200)}`;
    if (res.status >= 500 || RETRYABLE_4XX.has(res.status)) return "retry";
    this.log(`server refused ${items.length} ${route}: ${this.lastError}`);
    return "rejected";
  }

  async close(): Promise<void> {}
}
