import { AckPolicy, connect, JSONCodec, nanos, type NatsConnection } from "nats";
import type { Store } from "@bulwark/store";
import { errorMessage } from "../deps.js";
import { ingestScan, type ScanUpload } from "../repo/ingest.js";
import { DURABLE, ensureReportStream, STREAM } from "./stream.js";

export { DURABLE, reportSubject, STREAM } from "./stream.js";

const codec = JSONCodec<ScanUpload>();

/** Creates the stream and the shared durable consumer if they do not exist yet. */
async function ensureStream(nc: NatsConnection, ackWaitMs: number, maxAckPending: number): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await ensureReportStream(jsm);
  try {
    await jsm.consumers.info(STREAM, DURABLE);
  } catch {
    await jsm.consumers
      .add(STREAM, {
        durable_name: DURABLE,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(ackWaitMs),
        max_ack_pending: maxAckPending,
        max_deliver: -1,
      })
      .catch(async (e: unknown) => {
        await jsm.consumers.info(STREAM, DURABLE).catch(() => Promise.reject(e));
      });
  }
}

/**
 * Publishes one scan; the report id is the JetStream message id, so a re-publish inside the
 * duplicate window is dropped by the server, and after it by the store (idempotent ingestion).
 */
export async function publishReport(nc: NatsConnection, subject: string, upload: ScanUpload): Promise<void> {
  const js = nc.jetstream();
  await js.publish(subject, codec.encode(upload), upload.reportId ? { msgID: upload.reportId } : undefined);
}

export interface FleetConsumer {
  stop(): Promise<void>;
  /** Reports stored by this instance (duplicates excluded). */
  stored(): number;
}

export interface FleetOptions {
  url: string;
  /** Unacknowledged reports come back to another instance after this long (default 30 s). */
  ackWaitMs?: number;
  /** In flight per consumer across all instances: JetStream stops delivering beyond it (backpressure). */
  maxAckPending?: number;
  log: (line: string) => void;
}

/**
 * Consumes reports from the shared durable consumer into the store: each message is acknowledged
 * only after its transaction committed (at-least-once), the store drops re-deliveries (exactly
 * once in the store), and a killed instance's unacknowledged messages are redelivered to the others.
 */
export async function startFleetConsumer(store: Store, opts: FleetOptions): Promise<FleetConsumer> {
  const nc = await connect({ servers: opts.url, name: "bulwark-serve", maxReconnectAttempts: -1 });
  await ensureStream(nc, opts.ackWaitMs ?? 30_000, opts.maxAckPending ?? 256);
  const consumer = await nc.jetstream().consumers.get(STREAM, DURABLE);
  const messages = await consumer.consume({ max_messages: 16 });
  let stored = 0;
  const loop = (async () => {
    for await (const m of messages) {
      let upload: ScanUpload;
      try {
        upload = codec.decode(m.data);
        if (upload?.report?.schemaVersion !== 1 || !Array.isArray(upload.report.findings))
          throw new Error("not a scan upload");
      } catch (e) {
        opts.log(`dropping malformed report on ${m.subject}: ${errorMessage(e)}`);
        m.term();
        continue;
      }
      try {
        const r = await ingestScan(store, upload, `nats:${m.subject}`);
        if (!r.duplicate) stored++;
        m.ack();
      } catch (e) {
        // The store is down or busy: let JetStream redeliver later rather than hold it in memory.
        opts.log(`ingest from ${m.subject} failed, will be redelivered: ${errorMessage(e)}`);
        m.nak(2000);
      }
    }
  })();
  return {
    stored: () => stored,
    async stop() {
      messages.stop();
      await loop.catch(() => undefined);
      await nc.drain();
    },
  };
}

export { connect as connectNats };
