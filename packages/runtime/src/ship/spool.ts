/**
 * A bounded on-disk queue of batches for the server: one file per batch, named by a sequence
 * number so a directory listing is the send order, written to a temporary name and renamed
 * so a crash never leaves half a batch. What is on disk survives a server outage and an
 * agent restart (the next agent continues the sequence and sends the leftovers first).
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** The two server routes an agent feeds. */
export type SpoolRoute = "alerts" | "evidence";

export interface SpoolBatch {
  route: SpoolRoute;
  items: unknown[];
}

export interface SpoolStats {
  /** Batches waiting on disk. */
  pending: number;
  bytes: number;
  /** Items dropped (oldest first) to keep the spool under its size bound. */
  dropped: number;
  /** Items that could not be written (disk full, read-only), counted and reported, not retried. */
  unwritable: number;
}

const NAME = /^(\d{16})\.json$/;

export class DiskSpool {
  private seq = 0;
  /** name → size and item count, in sequence order. */
  private readonly files = new Map<string, { bytes: number; items: number }>();
  private bytes = 0;
  readonly stats: Omit<SpoolStats, "pending" | "bytes"> = { dropped: 0, unwritable: 0 };

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir).sort()) {
      const m = NAME.exec(name);
      if (!m) continue;
      const bytes = statSync(join(dir, name)).size;
      this.files.set(name, { bytes, items: -1 });
      this.bytes += bytes;
      this.seq = Math.max(this.seq, Number(m[1]));
    }
  }

  snapshot(): SpoolStats {
    return { ...this.stats, pending: this.files.size, bytes: this.bytes };
  }

  /**
   * Writes one batch. Over the bound, the oldest batches go first: the newest evidence
   * supersedes older snapshots, and a bounded spool is what keeps a long outage from
   * filling the node's disk. A write error (ENOSPC) loses only this batch, counted.
   */
  append(batch: SpoolBatch): boolean {
    if (batch.items.length === 0) return true;
    const text = JSON.stringify(batch);
    const size = Buffer.byteLength(text);
    if (size > this.maxBytes) {
      this.stats.dropped += batch.items.length;
      return false;
    }
    while (this.bytes + size > this.maxBytes && this.files.size > 0) this.dropOldest();
    const name = `${String(++this.seq).padStart(16, "0")}.json`;
    const tmp = join(this.dir, `.${name}.tmp`);
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, join(this.dir, name));
    } catch {
      this.stats.unwritable += batch.items.length;
      try {
        unlinkSync(tmp);
      } catch {
        /* never written */
      }
      return false;
    }
    this.files.set(name, { bytes: size, items: batch.items.length });
    this.bytes += size;
    return true;
  }

  /** The oldest batch still on disk, or undefined when the spool is empty. */
  peek(): { name: string; batch: SpoolBatch } | undefined {
    for (const name of this.files.keys()) {
      try {
        const batch = JSON.parse(readFileSync(join(this.dir, name), "utf8")) as SpoolBatch;
        if ((batch.route === "alerts" || batch.route === "evidence") && Array.isArray(batch.items))
          return { name, batch };
      } catch {
        /* torn or foreign file: not ours to send */
      }
      this.remove(name);
    }
    return undefined;
  }

  remove(name: string): void {
    const f = this.files.get(name);
    if (!f) return;
    try {
      unlinkSync(join(this.dir, name));
    } catch {
      /* already gone */
    }
    this.files.delete(name);
    this.bytes -= f.bytes;
  }

  private dropOldest(): void {
    const [name, f] = this.files.entries().next().value as [string, { bytes: number; items: number }];
    let items = f.items;
    if (items < 0) {
      try {
        items = (JSON.parse(readFileSync(join(this.dir, name), "utf8")) as SpoolBatch).items.length;
      } catch {
        items = 0;
      }
    }
    this.stats.dropped += items;
    this.remove(name);
  }
}
