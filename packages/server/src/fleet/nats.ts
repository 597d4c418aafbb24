import {
  AckPolicy,
  connect,
  JSONCodec,
  nanos,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from "nats";
import { ensureWorkQueueStream, RUNTIME_STREAM, RUNTIME_SUBJECT_PREFIX } from "@bulwark/runtime/nats";
import type { Store } from "@bulwark/store";
import { errorMessage } from "../deps.js";
import { ingestScan, type ScanUpload } from "../repo/ingest.js";
import { ingestRuntimeMessage } from "./runtime-messages.js";
import { DURABLE, ensureReportStream, STREAM } from "./stream.js";

export { DURABLE, reportSubject, STREAM } from "./stream.js";

/** The durable consumer of runtime agents' alerts and evidence, shared by every instance. */
export const RUNTIME_DURABLE = "bulwark-runtime-ingest";

const codec = JSONCodec<ScanUpload>();

/** Creates the shared durable consumer of a stream if it does not exist yet. */
async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  o: { ackWaitMs: number; maxAckPending: number },
): Promise<void> {
  try {
    await jsm.consumers.info(stream, durable);
  } catch {
    await jsm.consumers
      .add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(o.ackWaitMs),
        max_ack_pending: o.maxAckPending,
        max_deliver: -1,
      })
      .catch(async (e: unknown) => {
        await jsm.consumers.info(stream, durable).catch(() => Promise.reject(e));
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
  /** Runtime alerts and evidence items stored by this instance (duplicates excluded). */
  runtimeStored(): number;
}

export interface FleetOptions {
  url: string;
  /** Unacknowledged messages come back to another instance after this long (default 30 s). */
  ackWaitMs?: number;
  /** In flight per consumer across all instances: JetStream stops delivering beyond it (backpressure). */
  maxAckPending?: number;
  log: (line: string) => void;
}

/** What a message handler answers: how many things it stored, or that the message is not valid. */
type Handled = { stored: number } | { invalid: string };

/**
 * Consumes a shared durable consumer into the store: each message is acknowledged only after
 * its transaction committed (at-least-once), the store drops re-deliveries (exactly once in the
 * store), a killed instance's unacknowledged messages are redelivered to the others, and a
 * message that is not valid is terminated (never redelivered) and logged.
 */
async function consumeInto(
  nc: NatsConnection,
  stream: string,
  durable: string,
  handle: (m: JsMsg) => Promise<Handled>,
  log: (line: string) => void,
): Promise<{ stored: () => number; stop: () => Promise<void> }> {
  const consumer = await nc.jetstream().consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 16 });
  let stored = 0;
  const loop = (async () => {
    for await (const m of messages) {
      try {
        const r = await handle(m);
        if ("invalid" in r) {
          log(`dropping malformed message on ${m.subject}: ${r.invalid}`);
          m.term();
          continue;
        }
        stored += r.stored;
        m.ack();
      } catch (e) {
        // The store is down or busy: let JetStream redeliver later rather than hold it in memory.
        log(`ingest from ${m.subject} failed, will be redelivered: ${errorMessage(e)}`);
        m.nak(2000);
      }
    }
  })();
  return {
    stored: () => stored,
    async stop() {
      messages.stop();
      await loop.catch(() => undefined);
    },
  };
}

async function handleReport(store: Store, m: JsMsg): Promise<Handled> {
  let upload: ScanUpload;
  try {
    upload = codec.decode(m.data);
  } catch (e) {
    return { invalid: errorMessage(e) };
  }
  if (upload?.report?.schemaVersion !== 1 || !Array.isArray(upload.report.findings))
    return { invalid: "not a scan upload" };
  const r = await ingestScan(store, upload, `nats:${m.subject}`);
  return { stored: r.duplicate ? 0 : 1 };
}

/** Scan reports (bulwark.reports.>) and runtime agents' alerts and evidence (bulwark.runtime.>). */
export async function startFleetConsumer(store: Store, opts: FleetOptions): Promise<FleetConsumer> {
  const nc = await connect({ servers: opts.url, name: "bulwark-serve", maxReconnectAttempts: -1 });
  const limits = { ackWaitMs: opts.ackWaitMs ?? 30_000, maxAckPending: opts.maxAckPending ?? 256 };
  const jsm = await nc.jetstreamManager();
  await ensureReportStream(jsm);
  await ensureConsumer(jsm, STREAM, DURABLE, limits);
  await ensureWorkQueueStream(jsm, RUNTIME_STREAM, RUNTIME_SUBJECT_PREFIX);
  await ensureConsumer(jsm, RUNTIME_STREAM, RUNTIME_DURABLE, limits);
  const reports = await consumeInto(nc, STREAM, DURABLE, (m) => handleReport(store, m), opts.log);
  const runtime = await consumeInto(
    nc,
    RUNTIME_STREAM,
    RUNTIME_DURABLE,
    (m) => ingestRuntimeMessage(store, m.subject, m.data),
    opts.log,
  );
  return {
    stored: reports.stored,
    runtimeStored: runtime.stored,
    async stop() {
      await Promise.all([reports.stop(), runtime.stop()]);
      await nc.drain();
    },
  };
}

export { connect as connectNats };
