/**
 * A worker thread of the parallel tree scan: builds the same rule set as the main thread
 * and scans the batches of files it is sent, answering each with the per-file results.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildContext, type RuleSetOptions } from "./config.js";
import { scanOne, type FileResult } from "./tree.js";
import type { WalkedFile } from "./walk.js";

const ctx = buildContext(workerData as RuleSetOptions);

parentPort!.on("message", (batch: { id: number; files: WalkedFile[] }) => {
  const results: FileResult[] = batch.files.map((file) => {
    // Buffer paths (names that are not UTF-8) arrive as plain Uint8Arrays.
    const path = typeof file.path === "string" ? file.path : Buffer.from(file.path);
    return scanOne(ctx, { ...file, path });
  });
  parentPort!.postMessage({ id: batch.id, results });
});
