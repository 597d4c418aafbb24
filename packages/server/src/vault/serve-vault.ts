/**
 * `bulwark serve --vault`: the vault's Vault-compatible API in the server's process, over the
 * server's store (its `vault_*` tables beside the server's, one database, one migration
 * ledger). It listens on its own address (default 127.0.0.1:8200) because Vault clients
 * send the `LIST` method, which the platform API's HTTP parser refuses; the vault's listener
 * rewrites it. Same listen rules as the server: loopback by default, TLS or
 * `--insecure-listen` for any other address. Stopped (drained, sealed) before the store closes.
 */
import { join } from "node:path";
import { attachVault, startHttp } from "@bulwark/vault";
import { checkListenSecurity, defaultDataDir, parseListen, type Store, type TlsFiles } from "@bulwark/store";
import type { AlertFormat } from "@bulwark/runtime";
import { errorMessage } from "../deps.js";
import { ServerError } from "../errors.js";
import { vaultAlertSink, vaultMatch } from "./alerts.js";

export const DEFAULT_VAULT_PORT = 8200;

export interface VaultServeOptions {
  listen?: string;
  /** Default `<data-dir>/vault-audit.log`. */
  auditFile?: string;
  /** Runtime alert output specs (stdout, file:PATH, webhook:URL, …); alerts are stored in any case. */
  alertOutputs?: string[];
  alertFormat?: AlertFormat;
}

export interface RunningVault {
  url: string;
  auditFile: string;
  stop(): Promise<void>;
}

export async function startVault(
  store: Store,
  opts: VaultServeOptions & {
    dataDir?: string;
    tls?: TlsFiles;
    allowInsecureListen?: boolean;
    log: (line: string) => void;
  },
): Promise<RunningVault> {
  const addr = parseListen(opts.listen ?? "", DEFAULT_VAULT_PORT);
  checkListenSecurity(addr, {
    tls: Boolean(opts.tls),
    ...(opts.allowInsecureListen ? { allowInsecure: true } : {}),
  });
  const sink = vaultAlertSink(store, opts.alertOutputs ?? [], opts.alertFormat ?? "json", opts.log);
  const vault = await attachVault(store, {
    auditFile: opts.auditFile ?? join(defaultDataDir(opts.dataDir), "vault-audit.log"),
    onAlert: (a) => void sink.raise(vaultMatch(a)),
  });
  let http;
  try {
    http = await startHttp(vault.core, addr.host, addr.port, opts.tls);
  } catch (e) {
    await vault.close();
    await sink.close();
    // e.g. EADDRINUSE: one line naming the flag, not a stack trace
    throw new ServerError("USAGE", `--vault-listen ${opts.listen ?? ""}: ${errorMessage(e)}`, { cause: e });
  }
  const host = addr.host.includes(":") ? `[${addr.host}]` : addr.host;
  return {
    url: `${opts.tls ? "https" : "http"}://${host}:${http.port}`,
    auditFile: vault.auditFile,
    async stop() {
      await http.close();
      await vault.close();
      await sink.close();
    },
  };
}
