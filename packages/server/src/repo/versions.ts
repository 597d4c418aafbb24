/**
 * Values that change whenever some data may have changed, so that what a server instance keeps
 * in memory (the findings list's pages, the principals of API tokens) is used only while the
 * store still holds what it was built from — on several instances sharing one PostgreSQL too.
 *
 * Why a cached value is never stale: each is stored under the version read *before* the query
 * that built it, and used only while the version read for a request equals it. Versions change
 * with every commit that touches the data, so if a commit lands between the version read and
 * the query, the value may be newer than its version, but that version is then already past
 * and is never read again. A value is thus used only when no such commit has happened since.
 *
 * - PostgreSQL: per kind, the sum of `data_versions` rows, which statement triggers on the
 *   tables bump inside the writing transaction, so a new sum becomes visible with the data and
 *   not before. Sixteen rows per kind, one per `pg_backend_pid() % 16`, so that concurrent
 *   writers (the fleet's instances) rarely wait on one row lock, and a transaction never takes
 *   two of a kind.
 * - SQLite: one connection per server writes, so `total_changes()` (rows changed through it, in
 *   any table: conservative) plus `data_version` (changes when another connection commits, e.g.
 *   an offline `bulwark admin`), for every kind.
 */
import type { Store } from "@bulwark/store";

export interface Versions {
  findings: string;
  tokens: string;
}

export async function readVersions(store: Store): Promise<Versions> {
  if (store.dialect === "postgres") {
    // Run for nearly every authenticated request: one row, and prepared once per connection.
    const [row] = await store.query<Versions>(
      "SELECT sum(v) FILTER (WHERE kind = 'findings')::text AS findings, sum(v) FILTER (WHERE kind = 'tokens')::text AS tokens FROM data_versions",
      [],
      { prepareAs: "bulwark_data_versions" },
    );
    return { findings: row?.findings ?? "", tokens: row?.tokens ?? "" };
  }
  const [row] = await store.query<{ v: string }>(
    "SELECT total_changes() || '.' || (SELECT data_version FROM pragma_data_version) AS v",
  );
  const v = String(row?.v ?? "");
  return { findings: v, tokens: v };
}

/**
 * Reads versions for many concurrent requests with few queries. A request may use only a read
 * that *began* after it arrived: one already running may have taken its snapshot before a
 * commit this request's client saw complete. So a request arriving while a read runs waits for
 * the next one, which starts when the running one ends and serves everybody who waited: one
 * read runs and at most one waits, instead of one read per request (with 100 clients on
 * PostgreSQL, one round trip each was most of a cached list request's time).
 */
export class VersionReader {
  private running: Promise<Versions> | undefined;
  private next: Promise<Versions> | undefined;

  constructor(private readonly store: Store) {}

  read(): Promise<Versions> {
    if (!this.running) return this.start();
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<Versions> {
    const read = readVersions(this.store).finally(() => {
      if (this.running === read) this.running = undefined;
    });
    this.running = read;
    return read;
  }
}

/** A bounded map of values built under a version; a value is returned only for the same version. */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: string; value: T; size: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSize = Infinity,
    private readonly sizeOf: (value: T) => number = () => 0,
  ) {}

  get(key: string, version: string): T | undefined {
    const hit = this.entries.get(key);
    if (hit?.version !== version) return undefined;
    // Most recently used last: a Map keeps insertion order, so eviction takes the oldest.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, version: string, value: T): void {
    this.drop(key);
    const size = this.sizeOf(value);
    if (size > this.maxSize / 8) return;
    this.entries.set(key, { version, value, size });
    this.total += size;
    while (this.entries.size > this.maxEntries || this.total > this.maxSize)
      this.drop(this.entries.keys().next().value as string);
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.total -= old.size;
    this.entries.delete(key);
  }
}
