/**
 * `bulwark vault init` (offline, with optional passphrase / key-file unsealing) and the
 * unseal-at-start options that `vault serve` and `vault audit verify` share.
 */
import type { Command } from "commander";
import { existsSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { VaultCore } from "../core.js";
import { openVault } from "../open.js";
import { splitSecret } from "../crypto/shamir.js";
import { VaultError } from "../errors.js";
import { checkUnsealSecret, readKeyFile, readPassphraseFile } from "../seal/unseal-methods.js";
import { enableUnsealMethod, unsealWithSecret } from "../unseal.js";

export interface UnsealFileOpts {
  unsealKeyFile?: string;
  unsealPassphraseFile?: string;
}

export function addUnsealFileOptions(cmd: Command): Command {
  return cmd
    .option(
      "--unseal-key-file <file>",
      "unseal with this key file (set up by `vault init --unseal-key-file`)",
    )
    .option("--unseal-passphrase-file <file>", "unseal with the passphrase in this file (- reads stdin)");
}

/** Unseals from the files named on the command line; false when none was named. */
export async function unsealFromFiles(core: VaultCore, opts: UnsealFileOpts): Promise<boolean> {
  if (opts.unsealKeyFile) {
    const secret = readKeyFile(resolve(opts.unsealKeyFile));
    try {
      await unsealWithSecret(core, "key-file", secret);
    } finally {
      secret.fill(0);
    }
    return true;
  }
  if (opts.unsealPassphraseFile) {
    const secret = readPassphraseFile(opts.unsealPassphraseFile);
    try {
      await unsealWithSecret(core, "passphrase", secret);
    } finally {
      secret.fill(0);
    }
    return true;
  }
  return false;
}

export interface InitOpts extends UnsealFileOpts {
  dataDir: string;
  database?: string;
  shares: string;
  threshold: string;
  format: string;
}

/** A missing key file is created: 32 random bytes, readable by its owner only. */
function ensureKeyFile(file: string): boolean {
  if (existsSync(file)) return false;
  writeFileSync(file, randomBytes(32), { mode: 0o400, flag: "wx" });
  return true;
}

function printInit(
  write: (text: string) => void,
  opts: InitOpts,
  res: { keys: string[]; root_token: string },
  methods: string[],
  keyFileCreated?: string,
): void {
  write(
    opts.format === "json"
      ? `${JSON.stringify({ ...res, unseal_methods: methods }, null, 2)}\n`
      : res.keys.map((k, i) => `Unseal Key ${i + 1}: ${k}\n`).join("") +
          `Initial Root Token: ${res.root_token}\n` +
          (keyFileCreated ? `Key file created: ${keyFileCreated}\n` : "") +
          (methods.length ? `Also unseals with: ${methods.join(", ")}\n` : ""),
  );
}

/** `vault init`; `write` receives the shares and root token (stdout on the command line). */
export async function initVault(
  opts: InitOpts,
  write: (text: string) => void = (t) => void process.stdout.write(t),
): Promise<void> {
  const shares = Number(opts.shares);
  const threshold = Number(opts.threshold);
  splitSecret(Buffer.alloc(1), shares, threshold); // refuses bad counts before anything is written
  const keyFile = opts.unsealKeyFile && resolve(opts.unsealKeyFile);
  // read and check the unseal material before the vault is initialised: a failure after
  // initialisation would lose the shares
  const pass = opts.unsealPassphraseFile ? readPassphraseFile(opts.unsealPassphraseFile) : undefined;
  if (pass) checkUnsealSecret("passphrase", pass);
  const v = await openVault({ dataDir: resolve(opts.dataDir), databaseUrl: opts.database });
  let keyBytes: Buffer | undefined;
  try {
    if ((await v.core.sealStatus()).initialized)
      throw new VaultError("VAULT_ALREADY_INITIALIZED", "Vault is already initialized");
    const created = keyFile ? ensureKeyFile(keyFile) : false;
    keyBytes = keyFile ? readKeyFile(keyFile) : undefined;
    const res = (await v.core.initialize(shares, threshold)) as { keys: string[]; root_token: string };
    const methods: string[] = [];
    try {
      for (const k of res.keys.slice(0, threshold)) await v.core.submitUnsealKey(k, false);
      if (pass) await enableUnsealMethod(v.core, "passphrase", pass).then(() => methods.push("passphrase"));
      if (keyBytes)
        await enableUnsealMethod(v.core, "key-file", keyBytes).then(() => methods.push("key-file"));
    } finally {
      // the shares are printed whatever happens next: they are the only way in
      printInit(write, opts, res, methods, created ? keyFile : undefined);
    }
  } finally {
    pass?.fill(0);
    keyBytes?.fill(0);
    await v.close();
  }
}

export function registerInit(vault: Command): void {
  vault
    .command("init")
    .description("initialise a vault's store offline: print the unseal shares and the root token once")
    .requiredOption("--data-dir <dir>", "data directory")
    .option("--database <url>", "postgres:// URL to use PostgreSQL instead of SQLite")
    .option("--shares <n>", "number of Shamir unseal shares", "1")
    .option("--threshold <n>", "shares needed to unseal", "1")
    .option(
      "--unseal-key-file <file>",
      "also unseal with this key file (created, 32 random bytes, when missing)",
    )
    .option("--unseal-passphrase-file <file>", "also unseal with the passphrase in this file (- reads stdin)")
    .option("--format <format>", "text or json", "text")
    .action((opts: InitOpts) => initVault(opts));
}
