/** `bulwark scan … --nats URL`: one scan upload published to JetStream, for `bulwark serve --nats`. */
import { hostname } from "node:os";
import { connect, JSONCodec, type NatsConnection } from "nats";
import { shownNatsUrl } from "@bulwark/runtime/nats";
import { errorMessage } from "../deps.js";
import { ServerError } from "../errors.js";
import type { ScanUpload } from "../repo/ingest.js";
import { ensureReportStream, reportSubject } from "./stream.js";

export { shownNatsUrl };

export interface Published {
  subject: string;
  stream: string;
  seq: number;
  /** JetStream had this report id already (a re-send inside its duplicate window). */
  duplicate: boolean;
}

/** The subject a scan from this host goes to: bulwark.reports.<cluster>.<this host's name>. */
export function scanSubject(cluster: string | undefined): string {
  return reportSubject(cluster ?? "default", hostname());
}

/**
 * Publishes and waits for JetStream's acknowledgement (the report is on the server's disk when
 * this returns). The report id is the message id, so a retried publish is not stored twice.
 */
export async function publishScan(url: string, subject: string, upload: ScanUpload): Promise<Published> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, name: "bulwark-scan", maxReconnectAttempts: 0, timeout: 10_000 });
  } catch (e) {
    throw new ServerError(
      "NATS_UNAVAILABLE",
      `cannot reach NATS at ${shownNatsUrl(url)}: ${errorMessage(e)}`,
    );
  }
  try {
    const data = JSONCodec<ScanUpload>().encode(upload);
    const limit = nc.info?.max_payload ?? Infinity;
    if (data.length > limit)
      throw new ServerError(
        "UPLOAD_FAILED",
        `the report is ${size(data.length)} and the NATS server takes at most ${size(limit)} per message (its max_payload): raise max_payload or upload with --server`,
      );
    // A publisher without the right to create streams still publishes if one exists.
    await ensureReportStream(await nc.jetstreamManager()).catch(() => undefined);
    const ack = await nc.jetstream().publish(subject, data, { msgID: upload.reportId });
    return { subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
  } catch (e) {
    if (e instanceof ServerError) throw e;
    throw new ServerError("UPLOAD_FAILED", `publishing to ${subject} failed: ${errorMessage(e)}`);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

const size = (n: number): string =>
  n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
