/**
 * The findings list's pages, kept serialised until the findings change. The list is what a
 * console and its users poll; building a page of 100 rows, converting and serialising them is
 * most of a request's cost, while the data changes only when reports arrive or the database
 * is re-matched.
 *
 * Why the cache never serves stale data, on several server instances too: every page is stored
 * under the findings version read *before* its query ran, and is served only while the version
 * read for the request equals it. Versions change with every commit that touches findings
 * (below), so if a commit lands between the version read and the query, the page may be newer
 * than its version, but that version is then already in the past and is never read again. A
 * page is thus served only when no findings commit has happened since it was built.
 */
import type { Store } from "@bulwark/store";

/**
 * A value that changes whenever findings may have changed.
 * - PostgreSQL: the sum of `findings_version`, whose rows a statement trigger on `findings`
 *   bumps inside the writing transaction, so the new sum becomes visible with the data and not
 *   before. Sixteen rows, one per `pg_backend_pid() % 16`, so that concurrent writers (the
 *   fleet's instances) rarely wait on the same row lock, and one transaction never takes two.
 * - SQLite: one connection per server writes, so `total_changes()` (rows changed through it,
 *   any table; conservative) plus `data_version` (changes when another connection commits,
 *   e.g. an offline `bulwark admin`).
 */
export async function findingsVersion(store: Store): Promise<string> {
  const sql =
    store.dialect === "postgres"
      ? "SELECT sum(v)::text AS v FROM findings_version"
      : "SELECT total_changes() || '.' || (SELECT data_version FROM pragma_data_version) AS v";
  const [row] = await store.query<{ v: string | number }>(sql);
  return String(row?.v ?? "");
}

const MAX_PAGES = 512;
const MAX_BYTES = 64 * 1024 * 1024;

export class FindingsPages {
  private readonly pages = new Map<string, { version: string; body: string }>();
  private bytes = 0;

  constructor(private readonly store: Store) {}

  /** The page's JSON for `query` (the validated query string), from the cache or `build`. */
  async get(query: object, build: () => Promise<unknown>): Promise<string> {
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const version = await findingsVersion(this.store);
    const hit = this.pages.get(key);
    if (hit?.version === version) {
      // Most recently used last: Map keeps insertion order, so eviction takes the oldest.
      this.pages.delete(key);
      this.pages.set(key, hit);
      return hit.body;
    }
    const body = JSON.stringify(await build());
    this.put(key, { version, body });
    return body;
  }

  private put(key: string, page: { version: string; body: string }): void {
    this.drop(key);
    if (page.body.length > MAX_BYTES / 8) return;
    this.pages.set(key, page);
    this.bytes += page.body.length;
    while (this.pages.size > MAX_PAGES || this.bytes > MAX_BYTES) {
      const oldest = this.pages.keys().next().value as string;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.bytes -= old.body.length;
    this.pages.delete(key);
  }
}
