/**
 * KEK rotation without downtime: after a new KEK becomes active, data keys still wrapped
 * by older KEKs are re-wrapped in small transactions. Reads keep working throughout
 * because each row names the KEK version that wraps it. A row whose data key no longer
 * authenticates (tampered or moved) is reported, left as it is, and skipped.
 */
import { rewrapKey } from "../crypto/aead.js";
import { VaultError } from "../errors.js";
import type { Keyring } from "../seal/keyring.js";
import type { Store } from "../store.js";
import { aadOf } from "./engine.js";

interface Row {
  mount: string;
  path: string;
  version: number;
  kek_version: number;
  wrapped_key: string;
}

export interface RewrapResult {
  rewrapped: number;
  failed: Array<{ mount: string; path: string; version: number }>;
}

export async function rewrapAll(store: Store, keys: () => Keyring, batch = 1000): Promise<RewrapResult> {
  const result: RewrapResult = { rewrapped: 0, failed: [] };
  let after: [string, string, number] = ["", "", 0];
  for (;;) {
    const k = keys();
    const target = k.keks.get(k.active)!;
    // keyset pagination, so skipped rows are not selected again
    const rows = await store.query<Row>(
      `SELECT mount, path, version, kek_version, wrapped_key FROM vault_kv_versions
       WHERE kek_version <> $1 AND destroyed = 0 AND (mount, path, version) > ($2, $3, $4)
       ORDER BY mount, path, version LIMIT $5`,
      [k.active, ...after, batch],
    );
    if (rows.length === 0) return result;
    const last = rows[rows.length - 1]!;
    after = [last.mount, last.path, Number(last.version)];
    await store.transaction(async (tx) => {
      for (const r of rows) {
        const old = k.keks.get(Number(r.kek_version));
        let wrapped: string;
        try {
          if (!old) throw new VaultError("VAULT_DECRYPT_FAILED", "unknown key version");
          wrapped = rewrapKey(old, target, r.wrapped_key, aadOf(r.mount, r.path, Number(r.version)));
        } catch {
          result.failed.push({ mount: r.mount, path: r.path, version: Number(r.version) });
          continue;
        }
        // the kek_version guard skips a row that a concurrent destroy or rewrap already changed
        const res = await tx.exec(
          "UPDATE vault_kv_versions SET wrapped_key = $1, kek_version = $2 WHERE mount = $3 AND path = $4 AND version = $5 AND kek_version = $6",
          [wrapped, k.active, r.mount, r.path, r.version, r.kek_version],
        );
        result.rewrapped += res.changes;
      }
    });
  }
}
