/**
 * Sends alerts and runtime evidence to a Bulwark server (its HTTP API or NATS JetStream, see
 * transport.ts) through the disk spool: every item
 * is on disk before any send is tried, batches go out strictly in spool order, and a batch
 * leaves the spool only after the server acknowledged it. At-least-once: a batch whose
 * answer was lost is sent again, and the server's ingest is idempotent by item id.
 */
import { DiskSpool, type SpoolRoute, type SpoolStats } from "./spool.js";
import type { ShipTransport } from "./transport.js";

export interface ShipperOptions {
  transport: ShipTransport;
  spool: DiskSpool;
  log: (line: string) => void;
  /** How often buffered items are spooled and the spool drained (ms). */
  intervalMs?: number;
  /** Largest wait between attempts while the server is unreachable (ms). */
  maxBackoffMs?: number;
  /** Items per batch (the server accepts up to 10,000). */
  batchSize?: number;
}

export interface ShipperStats extends SpoolStats {
  sent: number;
  /** Items the server refused for good (4xx other than auth/rate limits), logged and dropped. */
  rejected: number;
  lastError?: string;
}

export class Shipper {
  private readonly buffer: Record<SpoolRoute, unknown[]> = { alerts: [], evidence: [] };
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private retryAt = 0;
  private backoff = 0;
  private sent = 0;
  private rejected = 0;
  private failing = false;

  constructor(private readonly o: ShipperOptions) {}

  get stats(): ShipperStats {
    return {
      ...this.o.spool.snapshot(),
      sent: this.sent,
      rejected: this.rejected,
      ...(this.o.transport.lastError ? { lastError: this.o.transport.lastError } : {}),
    };
  }

  enqueue(route: SpoolRoute, item: unknown): void {
    this.buffer[route].push(item);
    if (this.buffer[route].length >= (this.o.batchSize ?? 500)) this.spoolBuffered();
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 1000);
    this.timer.unref();
    void this.tick();
  }

  /** Spools what is buffered, makes one last pass and closes the transport; what the server did not take stays on disk. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.draining;
    this.spoolBuffered();
    this.retryAt = 0;
    await this.drain();
    await this.o.transport.close();
  }

  /** Spools the buffer and drains, unless a drain is running or the backoff is not over. */
  tick(): Promise<void> {
    this.spoolBuffered();
    if (this.draining || Date.now() < this.retryAt) return this.draining ?? Promise.resolve();
    this.draining = this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private spoolBuffered(): void {
    for (const route of ["alerts", "evidence"] as const) {
      const items = this.buffer[route];
      if (!items.length) continue;
      this.buffer[route] = [];
      if (!this.o.spool.append({ route, items }))
        this.o.log(`server spool: ${items.length} ${route} could not be kept (spool full or unwritable)`);
    }
  }

  private async drain(): Promise<void> {
    for (let next = this.o.spool.peek(); next; next = this.o.spool.peek()) {
      const outcome = await this.o.transport.send(next.batch.route, next.batch.items);
      if (outcome === "retry") return this.failed();
      if (outcome === "ok") this.sent += next.batch.items.length;
      else this.rejected += next.batch.items.length;
      this.o.spool.remove(next.name);
    }
    if (this.failing) this.o.log(`${this.o.transport.target}: reachable again, spool drained`);
    this.failing = false;
    this.backoff = 0;
  }

  private failed(): void {
    this.backoff = Math.min(this.o.maxBackoffMs ?? 30_000, Math.max(500, this.backoff * 2));
    this.retryAt = Date.now() + this.backoff;
    if (!this.failing)
      this.o.log(
        `${this.o.transport.target}: ${this.o.transport.lastError}; spooling to ${this.o.spool.dir}`,
      );
    this.failing = true;
  }
}
