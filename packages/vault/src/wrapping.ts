/**
 * Response wrapping (one-time delivery): with `X-Vault-Wrap-TTL` the response is stored
 * encrypted under a single-use wrapping token and only `wrap_info` is returned;
 * `sys/wrapping/unwrap` returns the original response once, then the token is gone.
 */
import { decryptEnvelope, encryptEnvelope } from "./crypto/aead.js";
import { invalid } from "./errors.js";
import type { Keyring } from "./seal/keyring.js";
import type { Store } from "./store.js";
import type { VaultResponse } from "./types.js";
import { newToken, sha256Hex } from "./util.js";

const MAX_WRAP_TTL = 24 * 3600;

export async function wrapResponse(
  store: Store,
  keys: Keyring,
  res: VaultResponse,
  ttl: number,
  path: string,
  now = Date.now(),
): Promise<VaultResponse> {
  if (ttl <= 0 || ttl > MAX_WRAP_TTL) throw invalid(`wrap TTL must be between 1s and ${MAX_WRAP_TTL}s`);
  const token = newToken("hvs.w.");
  const idHash = sha256Hex(token);
  const env = encryptEnvelope(
    keys.keks.get(keys.active)!,
    Buffer.from(JSON.stringify(res)),
    `wrap|${idHash}`,
  );
  await store.exec(
    "INSERT INTO vault_wrapped (id_hash, sealed, creation_path, created, expires) VALUES ($1,$2,$3,$4,$5)",
    [idHash, JSON.stringify({ kek: keys.active, ...env }), path, now, now + ttl * 1000],
  );
  return {
    status: 200,
    body: {
      request_id: crypto.randomUUID(),
      lease_id: "",
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: {
        token,
        accessor: "",
        ttl,
        creation_time: new Date(now).toISOString(),
        creation_path: path,
      },
      warnings: null,
      auth: null,
    },
  };
}

/** Returns the wrapped response once; the row is deleted in the same transaction. */
export async function unwrap(
  store: Store,
  keys: Keyring,
  token: unknown,
  now = Date.now(),
): Promise<VaultResponse> {
  const gone = (): Error => invalid("wrapping token is not valid or does not exist");
  if (typeof token !== "string" || token === "") throw gone();
  const idHash = sha256Hex(token);
  const row = await store.transaction(async (tx) => {
    const rows = await tx.query<{ sealed: string; expires: number }>(
      "SELECT sealed, expires FROM vault_wrapped WHERE id_hash = $1",
      [idHash],
    );
    if (rows[0]) await tx.exec("DELETE FROM vault_wrapped WHERE id_hash = $1", [idHash]);
    return rows[0];
  });
  if (!row || Number(row.expires) <= now) throw gone();
  const sealed = JSON.parse(row.sealed) as { kek: number; wrappedKey: string; ciphertext: string };
  const kek = keys.keks.get(sealed.kek);
  if (!kek) throw gone();
  return JSON.parse(decryptEnvelope(kek, sealed, `wrap|${idHash}`).toString("utf8")) as VaultResponse;
}
