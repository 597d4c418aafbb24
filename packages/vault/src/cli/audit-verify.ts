/**
 * `bulwark vault audit verify`: the hash chain of every line, then — when the store is given
 * (`--data-dir`/`--database`) — the anchor that shows whether lines were cut from the end or
 * the start, or the file rewritten; with the unseal key file or passphrase also the anchor's MAC.
 */
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { anchorId, anchorMacValid, checkAnchor, readAnchor } from "../audit/anchor.js";
import { verifyAuditLog } from "../audit/log.js";
import { VaultError } from "../errors.js";
import { SealManager } from "../seal/seal.js";
import { readKeyFile, readPassphraseFile, recoverRootKey } from "../seal/unseal-methods.js";
import { vaultMigrations } from "../storage/migrations.js";
import { migrate, openStore, type Store } from "../store.js";
import { addUnsealFileOptions, type UnsealFileOpts } from "./unseal.js";

interface VerifyOpts extends UnsealFileOpts {
  dataDir?: string;
  database?: string;
  file?: string;
}

/** The audit HMAC key, from the keyring opened with the key file or passphrase. */
async function auditKey(store: Store, opts: UnsealFileOpts): Promise<Buffer | undefined> {
  const kind = opts.unsealKeyFile ? "key-file" : opts.unsealPassphraseFile ? "passphrase" : undefined;
  if (!kind) return undefined;
  const secret = opts.unsealKeyFile
    ? readKeyFile(resolve(opts.unsealKeyFile))
    : readPassphraseFile(opts.unsealPassphraseFile!);
  const root = await recoverRootKey(store, kind, secret).finally(() => secret.fill(0));
  const seal = new SealManager(store);
  try {
    await seal.unsealWithRootKey(root);
    return Buffer.from(seal.keys().auditKey);
  } finally {
    root.fill(0);
    seal.seal();
  }
}

/** The anchor verdict: a line for the report, and whether it is a failure. */
async function anchorVerdict(store: Store, file: string, opts: UnsealFileOpts): Promise<[string, boolean]> {
  const a = await readAnchor(store, file);
  if (!a) return ["no anchor in the store for this log (never unsealed, or another host's log)", false];
  const c = checkAnchor(file, a, true);
  if (!c.ok) return [`TRUNCATED: ${c.reason}`, true];
  const key = await auditKey(store, opts);
  if (!key)
    return [
      `anchor at line ${a.lines} matches (MAC not checked: pass --unseal-key-file or --unseal-passphrase-file)`,
      false,
    ];
  const valid = anchorMacValid(key, anchorId(file), a);
  key.fill(0);
  return valid
    ? [`anchor at line ${a.lines} matches, MAC verified`, false]
    : ["TAMPERED: the store's anchor record fails its MAC (forged or replaced)", true];
}

async function verify(opts: VerifyOpts): Promise<void> {
  const dataDir = opts.dataDir ?? process.env["BULWARK_DATA_DIR"];
  if (!opts.file && !dataDir)
    throw new VaultError(
      "VAULT_INVALID_REQUEST",
      "--data-dir or --file is required (or set BULWARK_DATA_DIR)",
    );
  const file = opts.file ? resolve(opts.file) : join(resolve(dataDir!), "vault-audit.log");
  const r = verifyAuditLog(file);
  if (!r.ok) {
    process.stdout.write(`audit log ${file}: TAMPERED at line ${r.badLine}: ${r.reason}\n`);
    process.exitCode = 1;
    return;
  }
  let note = "truncation not checked (no --data-dir)";
  if (dataDir) {
    const store = await openStore({ dataDir: resolve(dataDir), databaseUrl: opts.database });
    try {
      await migrate(store, "vault", vaultMigrations);
      const [line, failed] = await anchorVerdict(store, file, opts);
      if (failed) {
        process.stdout.write(`audit log ${file}: ${line}\n`);
        process.exitCode = 1;
        return;
      }
      note = line;
    } finally {
      await store.close();
    }
  }
  process.stdout.write(`audit log ${file}: ok, ${r.lines} entries, chain intact; ${note}\n`);
}

export function registerAuditVerify(audit: Command): void {
  addUnsealFileOptions(
    audit
      .command("verify")
      .description("check the audit log's hash chain and its anchor in the store; exit 1 when broken or cut")
      .option("--data-dir <dir>", "data directory (the store holds the anchor)")
      .option("--database <url>", "postgres:// URL when the vault uses PostgreSQL")
      .option("--file <file>", "audit log file (default <data-dir>/vault-audit.log)"),
  ).action((opts: VerifyOpts) => verify(opts));
}
