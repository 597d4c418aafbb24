/** The JetStream stream that carries scan reports from agents and CI to `bulwark serve --nats`. */
import { nanos, RetentionPolicy, StorageType, type JetStreamManager } from "nats";

export const STREAM = "BULWARK_REPORTS";
export const DURABLE = "bulwark-ingest";
/** Agents and CI publish to bulwark.reports.<cluster>.<node>. */
export const SUBJECT_PREFIX = "bulwark.reports";

export function reportSubject(cluster: string, node: string): string {
  const token = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, "_") || "_";
  return `${SUBJECT_PREFIX}.${token(cluster)}.${token(node)}`;
}

/**
 * Creates the work-queue stream if it does not exist yet. Publishers call it too, so reports
 * sent before any server started wait in the stream (on disk) instead of being refused.
 */
export async function ensureReportStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(STREAM);
  } catch {
    await jsm.streams
      .add({
        name: STREAM,
        subjects: [`${SUBJECT_PREFIX}.>`],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        duplicate_window: nanos(10 * 60_000),
      })
      .catch(async (e: unknown) => {
        // Another instance created it first.
        await jsm.streams.info(STREAM).catch(() => Promise.reject(e));
      });
  }
}
