import type { Command } from "commander";

/** Flags that say how to reach an image, shared by `sbom` and `scan`. */
export interface ImageAccessFlags {
  platform?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
  caFile?: string;
  dockerConfig?: string;
}

export function addImageAccessFlags(cmd: Command): Command {
  return cmd
    .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image")
    .option("--username <user>", "registry user name")
    .option("--password <password>", "registry password or token")
    .option("--insecure", "allow plain HTTP and unverified TLS to the registry")
    .option("--ca-file <pem>", "extra CA certificates to trust for the registry and its token service")
    .option("--docker-config <path>", "docker config.json (file or directory) with registry credentials");
}

export function imageAccessFlags(flags: ImageAccessFlags): ImageAccessFlags {
  const { platform, username, password, insecure, caFile, dockerConfig } = flags;
  return { platform, username, password, insecure, caFile, dockerConfig };
}
