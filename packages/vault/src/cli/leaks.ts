/** `bulwark vault leaks TARGET` and `bulwark vault rotate PATH`. */
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { ExitCode } from "../deps.js";
import { invalid } from "../errors.js";
import { imageSecrets, leakFindings, treeSecrets, type LeakMatch } from "../leaks/scan.js";
import { vaultCall, type ClientOpts } from "../http/client.js";

interface LeaksOpts extends ClientOpts {
  dir?: boolean;
  format: string;
  cacheDir?: string;
}

/** A fresh value shaped like the old one (same length and alphabet family); never printed. */
export function replacementFor(old: string): string {
  const alnum = /^[A-Za-z0-9]+$/.test(old);
  const alphabet = alnum
    ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const len = Math.max(old.length, 16);
  const bytes = randomBytes(len);
  let out = "";
  for (let i = 0; i < len; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

function splitPath(full: string): { mount: string; path: string } {
  const i = full.indexOf("/");
  if (i <= 0 || i === full.length - 1) throw invalid(`expected MOUNT/PATH, got "${full}"`);
  return { mount: full.slice(0, i), path: full.slice(i + 1) };
}

async function rotate(full: string, opts: ClientOpts & { field?: string[] }): Promise<void> {
  const { mount, path } = splitPath(full);
  const current = (await vaultCall(opts, "GET", `${mount}/data/${path}`))["data"] as {
    data: Record<string, unknown>;
    metadata: { version: number };
  };
  const fields = opts.field?.length
    ? opts.field
    : Object.keys(current.data).filter((k) => typeof current.data[k] === "string");
  const next = { ...current.data };
  for (const f of fields) {
    if (typeof next[f] !== "string") throw invalid(`field "${f}" is not a string value of ${full}`);
    next[f] = replacementFor(next[f]);
  }
  const res = (
    await vaultCall(opts, "POST", `${mount}/data/${path}`, {
      data: next,
      options: { cas: current.metadata.version },
    })
  )["data"] as { version: number };
  process.stdout.write(
    `rotated ${full}: version ${current.metadata.version} -> ${res.version} (fields: ${fields.join(", ")})\n`,
  );
}

export function registerLeakCommands(vault: Command): void {
  vault
    .command("leaks")
    .argument("<target>", "image (registry ref, archive, oci:DIR:TAG) or, with --dir, a directory")
    .description('scan TARGET for secrets and report those the vault manages: "leaked, rotate now" (exit 1)')
    .option("--dir", "TARGET is a directory (repository, manifests, root filesystem)")
    .option("--address <url>", "vault address (default $VAULT_ADDR or http://127.0.0.1:8200)")
    .option("--token <token>", "vault token with sudo on sys/bulwark/leaks (default $VAULT_TOKEN)")
    .option("--format <format>", "table or json", "table")
    .option("--cache-dir <dir>", "Bulwark's cache directory")
    .action(async (target: string, opts: LeaksOpts) => {
      if (opts.format !== "table" && opts.format !== "json")
        throw invalid(`unknown format "${opts.format}" (use table or json)`);
      const found = opts.dir ? await treeSecrets(target) : await imageSecrets(target, opts.cacheDir);
      const res = await vaultCall(opts, "POST", "sys/bulwark/leaks", {
        hashes: [...new Set(found.map((f) => f.secretHash))],
      });
      const findings = leakFindings(found, (res["data"] as { matches: LeakMatch[] }).matches);
      if (opts.format === "json")
        process.stdout.write(
          `${JSON.stringify({ target, secretsFound: found.length, findings }, null, 2)}\n`,
        );
      else {
        for (const f of findings)
          process.stdout.write(
            `CRITICAL  ${f.title}\n          in ${f.file}:${f.line}${f.layer ? ` (layer ${f.layer.slice(0, 19)})` : ""}; run: ${f.remediation}\n`,
          );
        process.stdout.write(
          `${found.length} secrets found in ${target}; ${findings.length} are values the vault manages\n`,
        );
      }
      if (findings.length) process.exitCode = ExitCode.findings;
    });
  vault
    .command("rotate")
    .argument("<path>", "MOUNT/PATH of a KV v2 secret, e.g. secret/app/db")
    .description(
      "write a new version with fresh random values for the secret's string fields (check-and-set)",
    )
    .option("--field <name...>", "only these fields")
    .option("--address <url>", "vault address (default $VAULT_ADDR)")
    .option("--token <token>", "vault token (default $VAULT_TOKEN)")
    .action((path: string, opts: ClientOpts & { field?: string[] }) => rotate(path, opts));
}
