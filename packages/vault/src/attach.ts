/**
 * A vault on a store someone else owns: `bulwark serve --vault` runs the vault in the
 * platform server's process over the server's own store (one store, not a private copy).
 * Unlike `openVault`, closing it seals the vault and flushes its state but leaves the store
 * open for its owner to close.
 */
import { AuditAnchor } from "./audit/anchor.js";
import { AuditLog } from "./audit/log.js";
import { VaultCore, type CoreOptions } from "./core.js";
import { vaultMigrations } from "./storage/migrations.js";
import { migrate, type Store } from "./store.js";
import { workloadMigrations } from "./workload/migrations.js";

export interface AttachVaultOptions extends CoreOptions {
  auditFile: string;
}

export interface AttachedVault {
  core: VaultCore;
  auditFile: string;
  /** Seals, flushes the usage counts and closes the audit log; the store stays open. */
  close(): Promise<void>;
}

export async function attachVault(store: Store, opts: AttachVaultOptions): Promise<AttachedVault> {
  await migrate(store, "vault", vaultMigrations);
  await migrate(store, "vault_workload", workloadMigrations);
  const audit = new AuditLog(opts.auditFile);
  // Fails closed: a log cut or rewritten since its last anchor refuses to open.
  const anchor = await AuditAnchor.attach(store, audit);
  const core = new VaultCore(store, audit, opts);
  anchor.start();
  const stopSweeper = core.startLeaseSweeper();
  return {
    core,
    auditFile: opts.auditFile,
    close: async () => {
      stopSweeper();
      core.sealNow(); // anchors the log's end with the audit key before the key is dropped
      await anchor.stop();
      await core.flushUsage();
      core.audit.close();
    },
  };
}
