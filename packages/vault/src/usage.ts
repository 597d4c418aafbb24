/**
 * Usage supervision: which identities read which secrets, and when. A first read by an
 * identity raises an alert at once; later reads are counted in memory and flushed every few
 * seconds in one transaction (a crash loses at most those counts, never a secret or an
 * audit line).
 */
import type { VaultAlert } from "./alerts.js";
import type { Store } from "./store.js";

export type { VaultAlert } from "./alerts.js";

export class UsageTracker {
  private readonly pending = new Map<string, { reads: number; last: number }>();
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly alert: (a: VaultAlert) => void,
  ) {}

  async record(mount: string, path: string, identity: string): Promise<void> {
    const key = JSON.stringify([mount, path, identity]);
    const now = Date.now();
    const counted = this.pending.get(key);
    if (counted) {
      counted.reads++;
      counted.last = now;
      return;
    }
    if (!this.seen.has(key)) {
      const res = await this.store.exec(
        "INSERT INTO vault_access (mount, path, identity, first_read, last_read, reads) VALUES ($1,$2,$3,$4,$4,1) ON CONFLICT DO NOTHING",
        [mount, path, identity, now],
      );
      this.seen.add(key);
      if (res.changes > 0) {
        this.alert({ kind: "new-reader", identity, mount, path, time: new Date(now).toISOString() });
        return;
      }
    }
    this.pending.set(key, { reads: 1, last: now });
    this.timer ??= setTimeout(() => void this.flush(), 5000).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    if (batch.length === 0) return;
    await this.store.transaction(async (tx) => {
      for (const [key, u] of batch) {
        const [mount, path, identity] = JSON.parse(key) as [string, string, string];
        await tx.exec(
          "UPDATE vault_access SET last_read = $1, reads = reads + $2 WHERE mount = $3 AND path = $4 AND identity = $5",
          [u.last, u.reads, mount, path, identity],
        );
      }
    });
  }
}
