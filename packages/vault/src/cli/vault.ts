/**
 * `bulwark vault serve|audit verify|status`: the standalone vault server and its tools.
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import { describeAlert } from "../alerts.js";
import { VaultError } from "../errors.js";
import { startHttp } from "../http/server.js";
import { openVault } from "../open.js";
import { checkListenSecurity, loadTls, parseListen, stopOnSignal } from "../store.js";
import { overdueSecrets } from "../status.js";
import { registerInject } from "./inject.js";
import { registerLeakCommands } from "./leaks.js";
import { registerAuditVerify } from "./audit-verify.js";
import { addUnsealFileOptions, registerInit, unsealFromFiles, type UnsealFileOpts } from "./unseal.js";

const DEFAULT_PORT = 8200;

interface ServeOpts extends UnsealFileOpts {
  listen: string;
  dataDir?: string;
  database?: string;
  auditFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureListen?: boolean;
}

function dataDirOf(opt?: string): string {
  const dir = opt ?? process.env["BULWARK_DATA_DIR"];
  if (!dir) throw new VaultError("VAULT_INVALID_REQUEST", "--data-dir is required (or set BULWARK_DATA_DIR)");
  return resolve(dir);
}

async function serve(opts: ServeOpts): Promise<void> {
  const addr = parseListen(opts.listen, DEFAULT_PORT);
  const tlsFiles = loadTls(opts.tlsCert, opts.tlsKey);
  checkListenSecurity(addr, { tls: tlsFiles !== undefined, allowInsecure: opts.insecureListen });
  const vault = await openVault({
    dataDir: dataDirOf(opts.dataDir),
    databaseUrl: opts.database,
    auditFile: opts.auditFile,
    onAlert: (a) => process.stderr.write(`vault alert: ${a.kind}: ${describeAlert(a)}\n`),
  });
  let unsealed: boolean;
  try {
    unsealed = await unsealFromFiles(vault.core, opts);
  } catch (e) {
    await vault.close();
    throw e;
  }
  const server = await startHttp(vault.core, addr.host, addr.port, tlsFiles);
  process.stdout.write(
    `vault listening on ${tlsFiles ? "https" : "http"}://${addr.host}:${server.port} (${unsealed ? "unsealed" : "sealed until unsealed"})\n`,
  );
  await new Promise<void>((done) => {
    stopOnSignal("vault", async () => {
      await server.close();
      await vault.close();
      done();
    });
  });
}

export function registerVault(program: Command): void {
  const vault = program
    .command("vault")
    .description("encrypted, audited secrets store speaking Vault's HTTP API");
  registerInit(vault);
  const serveCmd = vault
    .command("serve")
    .description("run the vault server (sealed at start; unseal with the key shares over sys/unseal)")
    .option("--listen <addr>", "address to listen on", `127.0.0.1:${DEFAULT_PORT}`)
    .option("--data-dir <dir>", "data directory (SQLite database and audit log)")
    .option("--database <url>", "postgres:// URL to use PostgreSQL instead of SQLite")
    .option("--audit-file <file>", "audit log file (default <data-dir>/vault-audit.log)")
    .option("--tls-cert <file>", "PEM certificate")
    .option("--tls-key <file>", "PEM key")
    .option("--insecure-listen", "allow a non-loopback address without TLS");
  addUnsealFileOptions(serveCmd).action((opts: ServeOpts) => serve(opts));
  registerLeakCommands(vault);
  registerInject(vault);
  const audit = vault.command("audit").description("the tamper-evident audit log");
  registerAuditVerify(audit);
  vault
    .command("status")
    .description(
      "secrets overdue for rotation (max age from custom_metadata.rotate_after) and unread secrets",
    )
    .option("--data-dir <dir>", "data directory")
    .option("--database <url>", "postgres:// URL")
    .option("--unread-days <n>", "report secrets nobody read in this many days", "30")
    .option("--format <format>", "table or json", "table")
    .action(async (opts: { dataDir?: string; database?: string; unreadDays: string; format: string }) => {
      const v = await openVault({ dataDir: dataDirOf(opts.dataDir), databaseUrl: opts.database });
      try {
        const report = await overdueSecrets(v.store, Date.now(), Number(opts.unreadDays));
        process.stdout.write(
          opts.format === "json"
            ? `${JSON.stringify(report, null, 2)}\n`
            : report.map((r) => `${r.reason.padEnd(8)} ${r.mount}/${r.path}  ${r.detail}`).join("\n") +
                `\n${report.length} secrets need attention\n`,
        );
      } finally {
        await v.close();
      }
    });
}
