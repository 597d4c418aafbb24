import type { Command } from "commander";
import {
  addImageAccessFlags,
  cacheDir,
  globalOptions,
  imageAccessFlags,
  log,
  type ImageAccessFlags,
  type ScanOptions,
} from "../deps.js";
import { PolicyError } from "../errors.js";

export interface PolicyFlags extends ImageAccessFlags {
  policy: string[];
  format: string;
  trustedRoot?: string;
}

/** `--policy FILE…` (repeatable and variadic), `--trusted-root` and the image-access flags of `scan`. */
export function addPolicyFlags(cmd: Command): Command {
  return addImageAccessFlags(cmd)
    .requiredOption(
      "--policy <file...>",
      "ImagePolicy YAML file(s); several files merge (every policy applies)",
    )
    .option(
      "--trusted-root <file>",
      "Sigstore trusted_root.json that keyless signatures verify against (never fetched: works offline)",
    );
}

export function parseFormat(value: string): "table" | "json" {
  if (value === "table" || value === "json") return value;
  throw new PolicyError("POLICY_INVALID", `--format: unknown format "${value}" (expected table or json)`);
}

export function scanOptions(cmd: Command, flags: ImageAccessFlags): ScanOptions {
  const g = globalOptions(cmd);
  return {
    cacheDir: cacheDir(g.cacheDir),
    scanners: [],
    ...imageAccessFlags(flags),
    progress: (m) => log(g, m),
  };
}
