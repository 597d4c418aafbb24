/** A small Vault HTTP client for the CLI commands that talk to a running vault. */
import { deadline } from "@bulwark/model";
import { VaultError } from "../errors.js";

export interface ClientOpts {
  address?: string;
  token?: string;
}

export async function vaultCall(
  opts: ClientOpts,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const address = (opts.address ?? process.env["VAULT_ADDR"] ?? "http://127.0.0.1:8200").replace(/\/$/, "");
  const token = opts.token ?? process.env["VAULT_TOKEN"];
  if (!token) throw new VaultError("VAULT_PERMISSION_DENIED", "no token: give --token or set VAULT_TOKEN");
  let res: Response;
  let text: string;
  // One deadline for the request and its whole answer: a vault that never answers must not
  // hold the command (a scan with --vault-leaks) forever.
  const limitMs = deadline("VAULT_CALL_MS");
  try {
    res = await fetch(`${address}/v1/${path}`, {
      method,
      headers: { "X-Vault-Token": token, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(limitMs),
    });
    text = await res.text();
  } catch (e) {
    const why =
      (e as Error).name === "TimeoutError"
        ? `no complete answer within ${limitMs} ms (BULWARK_VAULT_TIMEOUT_MS)`
        : (e as Error).message;
    throw new VaultError("VAULT_INTERNAL", `cannot reach the vault at ${address}: ${why}`);
  }
  const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (!res.ok) {
    const errors = (json["errors"] as string[] | undefined) ?? [];
    throw new VaultError(
      res.status === 403
        ? "VAULT_PERMISSION_DENIED"
        : res.status === 404
          ? "VAULT_NOT_FOUND"
          : "VAULT_INVALID_REQUEST",
      `vault: ${path}: ${errors[0] ?? `HTTP ${res.status}`}`,
    );
  }
  return json;
}
