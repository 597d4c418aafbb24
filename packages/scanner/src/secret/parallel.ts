import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BulwarkError, errorMessage } from "@bulwark/model";
import type { RuleSetOptions, SecretContext } from "./config.js";
import {
  scanOne,
  TreeTally,
  walkOptionsOf,
  type FileResult,
  type TreeScan,
  type TreeScanOptions,
} from "./tree.js";
import { walkTree, type WalkedFile } from "./walk.js";

/** Files are sent in batches of about this many bytes: small enough to balance, big enough to amortise messages. */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;

/**
 * With no --threads, workers join once the walk has found this many bytes to scan: starting
 * a worker (compiling the rules again) costs about what one thread scans of 10–20 MB, so
 * smaller trees are faster on the main thread alone.
 */
export const AUTO_POOL_BYTES = 32 * 1024 * 1024;

/** The worker module next to this one: .ts when run from source (tsx, vitest), .js when built or bundled. */
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

function* batchesOf(files: Iterable<WalkedFile>): Generator<WalkedFile[]> {
  let current: WalkedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    current.push(f);
    bytes += f.size;
    if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      yield current;
      current = [];
      bytes = 0;
    }
  }
  if (current.length) yield current;
}

interface Batch {
  id: number;
  files: WalkedFile[];
}

function workerFailed(e: unknown): BulwarkError {
  return new BulwarkError("WORKER_FAILED", `secret scan worker failed: ${errorMessage(e)}`);
}

/**
 * scanTree on worker threads that stay up between scans (starting one costs more than
 * scanning a small tree). The main thread walks the tree as the workers ask for work; each
 * worker takes the next batch of files when free; answers are added up in walk order, so the
 * findings are exactly those of the single-threaded scan, in the same order.
 */
export class ParallelTreeScanner {
  private readonly workers: Worker[];

  constructor(rules: RuleSetOptions, threads = Math.min(4, availableParallelism())) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => startWorker(rules));
  }

  async scan(root: string, options: TreeScanOptions = {}): Promise<TreeScan> {
    const tally = new TreeTally();
    await this.scanFiles(walkTree(root, walkOptionsOf(options), tally.skip), tally);
    return tally.result;
  }

  /** Scans FILES (pulled lazily, so the walk overlaps the scan) and adds the answers to TALLY. */
  async scanFiles(files: Iterable<WalkedFile>, tally: TreeTally): Promise<void> {
    const batches = batchesOf(files);
    const work: WalkedFile[][] = [];
    const answers: FileResult[][] = [];
    const nextBatch = (): Batch | undefined => {
      const n = batches.next();
      return n.done ? undefined : { id: work.push(n.value) - 1, files: n.value };
    };
    await Promise.all(this.workers.map((worker) => feed(worker, nextBatch, answers)));
    work.forEach((batch, b) => batch.forEach((file, i) => tally.add(file, answers[b]![i]!)));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Hands WORKER batches until there are none left; rejects if the worker dies or fails. */
function feed(worker: Worker, nextBatch: () => Batch | undefined, answers: FileResult[][]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
    };
    const onError = (e: Error): void => {
      stop();
      reject(workerFailed(e));
    };
    const onExit = (code: number): void => {
      stop();
      reject(workerFailed(`exited with code ${code}`));
    };
    const send = (): void => {
      let batch: Batch | undefined;
      try {
        batch = nextBatch();
      } catch (e) {
        stop();
        reject(e as Error);
        return;
      }
      if (batch === undefined) {
        stop();
        resolve();
      } else worker.postMessage(batch);
    };
    const onMessage = (m: { id: number; results: FileResult[] }): void => {
      answers[m.id] = m.results;
      send();
    };
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    send();
  });
}

/**
 * scanTree for `bulwark scan`: THREADS workers when given (1 = this thread only); otherwise
 * this thread alone unless the walk finds more than AUTO_POOL_BYTES to scan, in which case
 * the files walked so far and the rest go to a pool of up to two workers. Same findings,
 * same order, either way.
 */
export async function scanTreeThreaded(
  ctx: SecretContext,
  rules: RuleSetOptions,
  root: string,
  options: TreeScanOptions & { threads?: number } = {},
): Promise<TreeScan & { threads: number }> {
  const tally = new TreeTally();
  const walk = walkTree(root, walkOptionsOf(options), tally.skip);
  const head: WalkedFile[] = [];
  let threads = options.threads ?? 1;
  if (options.threads === undefined) {
    // Not for…of: leaving that loop early would close the walk.
    let bytes = 0;
    for (let n = walk.next(); !n.done; n = walk.next()) {
      head.push(n.value);
      bytes += n.value.size;
      if (bytes >= AUTO_POOL_BYTES) {
        threads = Math.min(2, availableParallelism());
        break;
      }
    }
  }
  const files = chain(head, walk);
  if (threads <= 1) {
    for (const file of files) tally.add(file, scanOne(ctx, file));
    return { ...tally.result, threads: 1 };
  }
  const pool = new ParallelTreeScanner(rules, threads);
  try {
    await pool.scanFiles(files, tally);
  } finally {
    await pool.close();
  }
  return { ...tally.result, threads };
}

function* chain<T>(first: T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let n = rest.next(); !n.done; n = rest.next()) yield n.value;
}
