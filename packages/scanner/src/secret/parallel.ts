import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { RuleSetOptions } from "./config.js";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FILE_BYTES, type TreeScan, type TreeScanOptions } from "./tree.js";
import type { SecretHit } from "./types.js";
import { walkTree, type Skipped, type WalkedFile } from "./walk.js";

/** What a worker answers for one file. */
export type FileResult = { hits: SecretHit[] } | { binary: true } | { error: string };

/** Files are sent in batches of about this many bytes: small enough to balance, big enough to amortise messages. */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;

/** The worker module next to this one: .ts when run from source (tsx, vitest), .js when built. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./tree-worker.ts" : "./tree-worker.js", import.meta.url);
}

/**
 * Built code starts the worker module directly. From source (tsx, vitest) the worker first
 * registers tsx's loader, which worker threads do not inherit, then imports the .ts module.
 */
function startWorker(rules: RuleSetOptions): Worker {
  const url = workerUrl();
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { workerData: rules });
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData: rules });
}

function batches(files: WalkedFile[]): WalkedFile[][] {
  const out: WalkedFile[][] = [];
  let current: WalkedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    current.push(f);
    bytes += f.size;
    if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * scanTree on THREADS worker threads. The main thread walks the tree; workers scan batches
 * of files as they become free; results are put back in walk order, so the findings are
 * exactly those of the single-threaded scan, in the same order.
 */
export async function scanTreeParallel(
  rules: RuleSetOptions,
  root: string,
  options: TreeScanOptions = {},
  threads = Math.min(4, availableParallelism()),
): Promise<TreeScan> {
  const skipped: Skipped[] = [];
  const files = [
    ...walkTree(
      root,
      {
        includeNoise: options.includeNoise ?? false,
        maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
        maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      },
      (s) => void skipped.push(s),
    ),
  ];
  const work = batches(files);
  const answers: FileResult[][] = new Array<FileResult[]>(work.length);
  const workers = Array.from({ length: Math.max(1, Math.min(threads, work.length)) }, () =>
    startWorker(rules),
  );
  try {
    let next = 0;
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= work.length) return resolve();
              const id = next++;
              worker.postMessage({ id, files: work[id] });
            };
            worker.on("message", (m: { id: number; results: FileResult[] }) => {
              answers[m.id] = m.results;
              send();
            });
            worker.once("error", reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return assemble(work, answers, skipped);
}

function assemble(work: WalkedFile[][], answers: FileResult[][], skipped: Skipped[]): TreeScan {
  const result: TreeScan = { hits: [], skipped, filesScanned: 0, bytesScanned: 0 };
  work.forEach((batch, b) =>
    batch.forEach((file, i) => {
      const r = answers[b]![i]!;
      if ("binary" in r)
        skipped.push({ path: file.rel, reason: "binary", detail: "NUL byte in the first 8000 bytes" });
      else if ("error" in r) skipped.push({ path: file.rel, reason: "unreadable", detail: r.error });
      else {
        result.filesScanned++;
        result.bytesScanned += file.size;
        for (const hit of r.hits) result.hits.push({ file: file.rel, hit });
      }
    }),
  );
  return result;
}
