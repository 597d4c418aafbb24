import type { Command } from "commander";
// service.js directly: the CLI starts without loading the database drivers.
import { loadTls, stopOnSignal } from "@bulwark/store";
import { BulwarkError } from "@bulwark/model";

interface Flags {
  listen: string;
  dataDir?: string;
  database?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureListen?: boolean;
  maxBodyMb: string;
  nats?: string;
  natsAckWait: string;
  vault?: boolean;
  vaultListen: string;
  vaultAuditFile?: string;
  vaultAlertOutput: string[];
  vaultAlertFormat: string;
}

/** `bulwark serve [--listen ADDR] [--data-dir DIR] [--database URL]`. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "run the Bulwark server: HTTP API over one store (SQLite by default, PostgreSQL with --database)",
    )
    .option("--listen <addr>", "address to listen on (HOST:PORT)", "127.0.0.1:8470")
    .option(
      "--data-dir <dir>",
      "where the SQLite store lives (default: $BULWARK_DATA_DIR or ~/.local/share/bulwark)",
    )
    .option("--database <url>", "postgres://… to use PostgreSQL instead of SQLite")
    .option("--tls-cert <file>", "PEM certificate (with --tls-key)")
    .option("--tls-key <file>", "PEM private key")
    .option("--insecure-listen", "allow a non-loopback address without TLS (e.g. behind a TLS proxy)")
    .option("--max-body-mb <n>", "largest accepted request body in MiB", "64")
    .option(
      "--nats <url>",
      "also consume agents' reports from NATS JetStream (subjects bulwark.reports.<cluster>.<node>)",
    )
    .option(
      "--nats-ack-wait <seconds>",
      "redeliver a report another instance took but did not acknowledge after this long",
      "30",
    )
    .option("--vault", "also serve the vault's Vault-compatible API over the same store (issue 16)")
    .option("--vault-listen <addr>", "address of the vault API (with --vault)", "127.0.0.1:8200")
    .option("--vault-audit-file <file>", "vault audit log (default <data-dir>/vault-audit.log)")
    .option(
      "--vault-alert-output <spec>",
      "also send vault alerts to (repeatable): stdout, file:PATH, webhook:URL, slack:URL, syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      "--vault-alert-format <format>",
      "vault alert format on stdout/file outputs: json or text",
      "json",
    )
    .action(async (flags: Flags, cmd: Command) => {
      const log = (line: string): void => void process.stderr.write(`bulwark serve: ${line}\n`);
      const globals = cmd.optsWithGlobals<{ cacheDir?: string }>();
      const tls = loadTls(flags.tlsCert, flags.tlsKey);
      if (flags.vaultAlertFormat !== "json" && flags.vaultAlertFormat !== "text")
        throw new BulwarkError(
          "USAGE",
          `--vault-alert-format: expected json or text, got "${flags.vaultAlertFormat}"`,
        );
      // Loaded on use: the other commands start without fastify.
      const { startServer } = await import("../serve.js");
      const { cacheDir } = await import("../deps.js");
      const server = await startServer({
        listen: flags.listen,
        ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
        ...(flags.database ? { databaseUrl: flags.database } : {}),
        ...(tls ? { tls } : {}),
        ...(flags.insecureListen ? { allowInsecureListen: true } : {}),
        vulnDbDir: cacheDir(globals.cacheDir),
        ...(flags.nats
          ? { nats: { url: flags.nats, ackWaitMs: Math.max(1, Number(flags.natsAckWait) || 30) * 1000 } }
          : {}),
        bodyLimit: Math.max(1, Number(flags.maxBodyMb) || 64) * 1024 * 1024,
        ...(flags.vault
          ? {
              vault: {
                listen: flags.vaultListen,
                ...(flags.vaultAuditFile ? { auditFile: flags.vaultAuditFile } : {}),
                alertOutputs: flags.vaultAlertOutput,
                alertFormat: flags.vaultAlertFormat as "json" | "text",
              },
            }
          : {}),
        log,
      });
      log(`listening on ${server.url} (store: ${server.store.dialect})`);
      if (server.vaultUrl) log(`vault listening on ${server.vaultUrl} (sealed until unsealed; same store)`);
      if (server.setupToken) {
        process.stdout.write(
          `First start: one-time setup token (create the first admin with POST /api/v1/setup; shown only now):\n${server.setupToken}\n`,
        );
      }
      await new Promise<void>((resolve) => {
        stopOnSignal("bulwark serve", () => server.stop(), {
          log,
          exit: (code) => {
            process.exitCode = code;
            resolve();
          },
        });
      });
    });
}
