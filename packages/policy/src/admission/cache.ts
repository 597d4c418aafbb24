/**
 * A bounded map with a time to live: decisions per (digest, policy version, namespace).
 * The TTL bounds how long an exception that just expired, or a signature that was just
 * pushed, keeps its old answer; the bound on entries keeps memory flat under churn.
 */
export class DecisionCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 300_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e || e.until < this.clock()) {
      if (e) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert: Map order is insertion order, so the oldest-used entry is evicted first.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.clock() + this.ttlMs });
    while (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
