/** The JetStream stream that carries scan reports from agents and CI to `bulwark serve --nats`. */
import type { JetStreamManager } from "nats";
import { ensureWorkQueueStream, subjectToken } from "@bulwark/runtime/nats";

export const STREAM = "BULWARK_REPORTS";
export const DURABLE = "bulwark-ingest";
/** Agents and CI publish to bulwark.reports.<cluster>.<node>. */
export const SUBJECT_PREFIX = "bulwark.reports";

export function reportSubject(cluster: string, node: string): string {
  return `${SUBJECT_PREFIX}.${subjectToken(cluster)}.${subjectToken(node)}`;
}

/** Creates the work-queue stream of reports if it does not exist yet (publishers and servers). */
export function ensureReportStream(jsm: JetStreamManager): Promise<void> {
  return ensureWorkQueueStream(jsm, STREAM, SUBJECT_PREFIX);
}
