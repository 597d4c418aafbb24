/** Opens a vault over the shared store: migrations, audit log, core. */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { AuditAnchor } from "./audit/anchor.js";
import { AuditLog } from "./audit/log.js";
import { VaultCore, type CoreOptions } from "./core.js";
import { vaultMigrations } from "./storage/migrations.js";
import { migrate, openStore, type Store } from "./store.js";

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

export async function openVault(opts: OpenVaultOptions): Promise<OpenedVault> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ dataDir, databaseUrl: opts.databaseUrl });
  try {
    await migrate(store, "vault", vaultMigrations);
    const auditFile = resolve(opts.auditFile ?? join(dataDir, "vault-audit.log"));
    const audit = new AuditLog(auditFile);
    const anchor = await AuditAnchor.attach(store, audit);
    const core = new VaultCore(store, audit, opts);
    anchor.start();
    const stopSweeper = core.startLeaseSweeper();
    return {
      core,
      store,
      auditFile,
      close: async () => {
        stopSweeper();
        core.sealNow(); // anchors the log's end with the audit key before the key is dropped
        await anchor.stop();
        await core.flushUsage();
        core.audit.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
