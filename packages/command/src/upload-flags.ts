import type { Command } from "commander";

export interface UploadFlags {
  server?: string;
  token?: string;
  /** `bulwark scan` only (addNatsFlags): publish to NATS JetStream instead of the HTTP API. */
  nats?: string;
  natsCluster?: string;
}

/** `--server URL --token T` on `bulwark scan …`. */
export function addUploadFlags(cmd: Command): Command {
  return cmd
    .option("--server <url>", "upload the report (and inventory) to a Bulwark server")
    .option("--token <token>", "API token with the ingest scope (default: $BULWARK_TOKEN)");
}

/** `--nats URL [--nats-cluster NAME]` on `bulwark scan`: the fleet's way in (see docs/server.md). */
export function addNatsFlags(cmd: Command): Command {
  return cmd
    .option(
      "--nats <url>",
      "publish the report to NATS JetStream (nats://[user:pass@]host:port) for `bulwark serve --nats` to ingest, instead of --server",
    )
    .option(
      "--nats-cluster <name>",
      "cluster part of the subject bulwark.reports.<cluster>.<node> (default: default; the node is this host's name)",
    );
}
