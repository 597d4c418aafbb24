/**
 * KEK rotation without downtime: after a new KEK becomes active, data keys still wrapped
 * by older KEKs are re-wrapped in small transactions. Reads keep working throughout
 * because each row names the KEK version that wraps it.
 */
import { rewrapKey } from "../crypto/aead.js";
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

export async function rewrapAll(store: Store, keys: () => Keyring, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const k = keys();
    const target = k.keks.get(k.active)!;
    const rows = await store.query<Row>(
      "SELECT mount, path, version, kek_version, wrapped_key FROM vault_kv_versions WHERE kek_version <> $1 AND destroyed = 0 LIMIT $2",
      [k.active, batch],
    );
    if (rows.length === 0) return total;
    await store.transaction(async (tx) => {
      for (const r of rows) {
        const old = k.keks.get(Number(r.kek_version))!;
        const wrapped = rewrapKey(old, target, r.wrapped_key, aadOf(r.mount, r.path, Number(r.version)));
        // the kek_version guard skips a row that a concurrent destroy or rewrap already changed
        const res = await tx.exec(
          "UPDATE vault_kv_versions SET wrapped_key = $1, kek_version = $2 WHERE mount = $3 AND path = $4 AND version = $5 AND kek_version = $6",
          [wrapped, k.active, r.mount, r.path, r.version, r.kek_version],
        );
        total += res.changes;
      }
    });
  }
}
