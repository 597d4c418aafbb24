import type { Command } from "commander";

export interface UploadFlags {
  server?: string;
  token?: string;
}

/** `--server URL --token T` on `bulwark scan …`. */
export function addUploadFlags(cmd: Command): Command {
  return cmd
    .option("--server <url>", "upload the report (and inventory) to a Bulwark server")
    .option("--token <token>", "API token with the ingest scope (default: $BULWARK_TOKEN)");
}
