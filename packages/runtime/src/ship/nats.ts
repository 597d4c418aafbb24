/**
 * `runtime watch --nats URL`: the shipper's batches published to NATS JetStream, on
 * bulwark.runtime.<alerts|evidence>.<cluster>.<node>, for `bulwark serve --nats` instances to
 * consume into the one store. A batch leaves the spool only once JetStream acknowledged it (it
 * is on the NATS server's disk); its message id is the hash of its content, so a batch re-sent
 * after a lost acknowledgement is dropped by JetStream, and after its window by the store.
 */
import { createHash } from "node:crypto";
import {
  connect,
  nanos,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type NatsConnection,
} from "nats";
import type { SpoolRoute } from "./spool.js";
import type { SendOutcome, ShipTransport } from "./transport.js";

export const RUNTIME_STREAM = "BULWARK_RUNTIME";
export const RUNTIME_SUBJECT_PREFIX = "bulwark.runtime";

/** A subject token from any name: NATS splits subjects on dots and treats * and > as wildcards. */
export const subjectToken = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, "_") || "_";

export function runtimeSubject(route: SpoolRoute, cluster: string, node: string): string {
  return `${RUNTIME_SUBJECT_PREFIX}.${route}.${subjectToken(cluster)}.${subjectToken(node)}`;
}

/**
 * Creates a work-queue stream over `<prefix>.>` if it does not exist yet. Publishers call it
 * too, so what they send before any server started waits in the stream (on disk) instead of
 * being refused; the fleet's report stream is made the same way (server fleet/stream.ts).
 */
export async function ensureWorkQueueStream(
  jsm: JetStreamManager,
  name: string,
  prefix: string,
): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams
      .add({
        name,
        subjects: [`${prefix}.>`],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        duplicate_window: nanos(10 * 60_000),
      })
      .catch(async (e: unknown) => {
        // Another agent or server created it first.
        await jsm.streams.info(name).catch(() => Promise.reject(e));
      });
  }
}

/** A NATS URL without its password, for log lines. */
export function shownNatsUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

export class NatsTransport implements ShipTransport {
  lastError?: string;
  private nc?: NatsConnection;

  constructor(
    private readonly url: string,
    private readonly cluster: string,
    private readonly node: string,
    private readonly log: (line: string) => void,
  ) {}

  get target(): string {
    return `NATS ${shownNatsUrl(this.url)}`;
  }

  async send(route: SpoolRoute, items: unknown[]): Promise<SendOutcome> {
    let nc: NatsConnection;
    try {
      nc = await this.connection();
    } catch (e) {
      this.lastError = (e as Error).message;
      return "retry";
    }
    const data = Buffer.from(JSON.stringify({ [route]: items }));
    const limit = nc.info?.max_payload ?? Infinity;
    if (data.length > limit) {
      // Halves until each fits; one item alone over the limit cannot be sent at all.
      if (items.length === 1) {
        this.log(
          `NATS refused 1 ${route} item of ${data.length} bytes: over the server's max_payload (${limit})`,
        );
        return "rejected";
      }
      const half = Math.ceil(items.length / 2);
      const first = await this.send(route, items.slice(0, half));
      if (first === "retry") return first;
      return this.send(route, items.slice(half));
    }
    try {
      const msgID = createHash("sha256").update(data).digest("hex");
      await nc.jetstream().publish(runtimeSubject(route, this.cluster, this.node), data, { msgID });
      return "ok";
    } catch (e) {
      this.lastError = (e as Error).message;
      return "retry";
    }
  }

  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    await nc?.close().catch(() => undefined);
  }

  /** One connection, opened on first use and again after it closed (the client reconnects meanwhile). */
  private async connection(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    const nc = await connect({ servers: this.url, name: "bulwark-runtime-watch", timeout: 10_000 });
    // Without the right to create streams the agent still publishes into an existing one.
    await nc
      .jetstreamManager()
      .then((jsm) => ensureWorkQueueStream(jsm, RUNTIME_STREAM, RUNTIME_SUBJECT_PREFIX))
      .catch(() => undefined);
    this.nc = nc;
    return nc;
  }
}
