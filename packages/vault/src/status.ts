/**
 * Lifecycle supervision without unsealing: secrets past their rotation age
 * (custom_metadata.rotate_after, a Vault duration) and secrets nobody read in N days.
 * Works on metadata only, never on values.
 */
import type { Store } from "./store.js";
import { parseDuration } from "./util.js";

export interface StatusRow {
  mount: string;
  path: string;
  reason: "overdue" | "unread";
  detail: string;
}

export async function overdueSecrets(store: Store, now: number, unreadDays: number): Promise<StatusRow[]> {
  const metas = await store.query<{
    mount: string;
    path: string;
    custom_metadata: string;
    updated: number;
    created: number;
  }>("SELECT mount, path, custom_metadata, updated, created FROM vault_kv_meta ORDER BY mount, path");
  const reads = await store.query<{ mount: string; path: string; last: number }>(
    "SELECT mount, path, MAX(last_read) AS last FROM vault_access GROUP BY mount, path",
  );
  const lastRead = new Map(reads.map((r) => [`${r.mount}\u0000${r.path}`, Number(r.last)]));
  const out: StatusRow[] = [];
  for (const m of metas) {
    const cm = JSON.parse(m.custom_metadata) as Record<string, string>;
    const rotateAfter = cm["rotate_after"];
    if (rotateAfter) {
      let maxAge = 0;
      try {
        maxAge = parseDuration(rotateAfter, "rotate_after");
      } catch {
        out.push({
          mount: m.mount,
          path: m.path,
          reason: "overdue",
          detail: `invalid rotate_after ${JSON.stringify(rotateAfter)}`,
        });
      }
      const age = Math.floor((now - Number(m.updated)) / 1000);
      if (maxAge > 0 && age > maxAge)
        out.push({
          mount: m.mount,
          path: m.path,
          reason: "overdue",
          detail: `last written ${age}s ago, max age ${maxAge}s`,
        });
    }
    const last = lastRead.get(`${m.mount}\u0000${m.path}`) ?? Number(m.created);
    if (now - last > unreadDays * 86400_000)
      out.push({
        mount: m.mount,
        path: m.path,
        reason: "unread",
        detail: `not read for ${Math.floor((now - last) / 86400_000)} days`,
      });
  }
  return out;
}
