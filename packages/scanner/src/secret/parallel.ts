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
 * scanTree on worker threads that stay up between scans (starting one costs more than
 * scanning a small tree). The main thread walks the tree; each worker takes the next batch
 * of files when free; results are put back in walk order, so the findings are exactly
 * those of the single-threaded scan, in the same order.
 */
export class ParallelTreeScanner {
  private readonly workers: Worker[];

  constructor(rules: RuleSetOptions, threads = Math.min(4, availableParallelism())) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => startWorker(rules));
  }

  async scan(root: string, options: TreeScanOptions = {}): Promise<TreeScan> {
    const skipped: Skipped[] = [];
    const walkOptions = {
      includeNoise: options.includeNoise ?? false,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    };
    const work = batches([...walkTree(root, walkOptions, (s) => void skipped.push(s))]);
    const answers: FileResult[][] = new Array<FileResult[]>(work.length);
    let next = 0;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (m: { id: number; results: FileResult[] }): void => {
              answers[m.id] = m.results;
              send();
            };
            const onError = (e: Error): void => {
              worker.off("message", onMessage);
              reject(e);
            };
            const send = (): void => {
              if (next < work.length) {
                const id = next++;
                worker.postMessage({ id, files: work[id] });
                return;
              }
              worker.off("message", onMessage);
              worker.off("error", onError);
              resolve();
            };
            worker.on("message", onMessage);
            worker.once("error", onError);
            send();
          }),
      ),
    );
    return assemble(work, answers, skipped);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One scan on a pool started and stopped for it. */
export async function scanTreeParallel(
  rules: RuleSetOptions,
  root: string,
  options: TreeScanOptions = {},
  threads?: number,
): Promise<TreeScan> {
  const pool = new ParallelTreeScanner(rules, threads);
  try {
    return await pool.scan(root, options);
  } finally {
    await pool.close();
  }
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
