/** Opens a vault over the shared store: migrations, audit log, core. */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { attachVault } from "./attach.js";
import type { CoreOptions, VaultCore } from "./core.js";
import { openStore, type Store } from "./store.js";

export interface OpenVaultOptions extends CoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** Default `<dataDir>/vault-audit.log`. */
  auditFile?: string;
}

export interface OpenedVault {
  core: VaultCore;
  store: Store;
  auditFile: string;
  close(): Promise<void>;
}

/** The standalone vault: its own store, closed with it. */
export async function openVault(opts: OpenVaultOptions): Promise<OpenedVault> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ dataDir, databaseUrl: opts.databaseUrl });
  try {
    const auditFile = resolve(opts.auditFile ?? join(dataDir, "vault-audit.log"));
    const vault = await attachVault(store, { ...opts, auditFile });
    return {
      core: vault.core,
      store,
      auditFile,
      close: async () => {
        await vault.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
