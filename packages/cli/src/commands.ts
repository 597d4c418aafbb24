import type { Command } from "commander";

type Register = (program: Command) => void;

interface BulwarkCommand {
  name: string;
  /** The command's description, repeated here so top-level help loads no command (a test keeps them equal). */
  summary: string;
  load: () => Promise<Register>;
  /**
   * Its actions have done all their work when they return: no server, watcher or write left
   * running. The launcher then ends the process at once (see bin.ts).
   */
  oneShot?: true;
}

/**
 * The explicit list of CLI commands: each top-level command name and how to load the module
 * that adds it (with its subcommands). Loading is per command so that `bulwark scan …` does
 * not start the server's, vault's or runtime's dependencies, and top-level help loads none.
 */
export const commands: ReadonlyArray<BulwarkCommand> = [
  {
    name: "scan",
    summary: "scan a target for vulnerabilities, misconfigurations and secrets",
    load: async () => (await import("./scan.js")).registerScan,
    oneShot: true,
  },
  {
    name: "db",
    summary: "manage the local vulnerability database",
    load: async () => (await import("./db.js")).registerDb,
  },
  {
    name: "checks",
    summary: "the misconfiguration check catalog",
    load: async () => (await import("./checks.js")).registerChecks,
    oneShot: true,
  },
  {
    name: "sbom",
    summary:
      "list every package in an image (SBOM): registry ref, docker-archive:, oci-archive:, oci:, rootfs:",
    load: async () => (await import("./sbom.js")).registerSbom,
    oneShot: true,
  },
  {
    name: "secrets",
    summary: "the secret detection rule catalog",
    load: async () => (await import("./secrets.js")).registerSecrets,
    oneShot: true,
  },
  {
    name: "runtime",
    summary: "Runtime detection: watch running containers, evaluate Falco-compatible rules, raise alerts",
    load: async () => (await import("@bulwark/runtime")).registerRuntime,
  },
  {
    name: "policy",
    summary: "judge images against ImagePolicy files",
    load: async () => (await import("@bulwark/policy")).registerPolicy,
  },
  {
    name: "admission",
    summary: "Kubernetes validating admission webhook",
    load: async () => (await import("@bulwark/policy")).registerAdmission,
  },
  {
    name: "registry",
    summary: "catalogue a registry's images with their verdicts",
    load: async () => (await import("@bulwark/policy")).registerRegistry,
  },
  {
    name: "catalog",
    summary: "the images `registry scan` catalogued, with verdicts",
    load: async () => (await import("@bulwark/policy")).registerCatalog,
  },
  {
    name: "vault",
    summary: "encrypted, audited secrets store speaking Vault's HTTP API",
    load: async () => (await import("@bulwark/vault")).registerVault,
  },
  {
    name: "serve",
    summary:
      "run the Bulwark server: HTTP API over one store (SQLite by default, PostgreSQL with --database)",
    load: async () => (await import("@bulwark/server")).registerServe,
  },
  {
    name: "admin",
    summary: "administer a Bulwark server's store directly (works while the server is down)",
    load: async () => (await import("@bulwark/server")).registerAdmin,
  },
  {
    name: "prioritize",
    summary: "rank a report's vulnerabilities by risk, with the reason for each, and show the funnel",
    load: async () => (await import("./prioritize.js")).registerPrioritize,
  },
];

/** Global options that take a value: their value is not a command name. */
const VALUED = new Set(["--cache-dir"]);

/**
 * What to load for these arguments: the command named by the first word that is not an
 * option; nothing for a bare `--version`; only the summaries for top-level help (`--help`, or
 * no arguments at all); and every command for an unknown word, which commander then reports
 * with the full list.
 */
export function commandsFor(argv: readonly string[]): typeof commands | "summaries" {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUED.has(a)) i++;
    else if (!a.startsWith("-")) {
      const named = commands.filter((c) => c.name === a);
      return named.length ? named : commands;
    }
  }
  if (argv.some((a) => a === "-V" || a === "--version")) return [];
  return argv.length === 0 || argv.some((a) => a === "-h" || a === "--help") ? "summaries" : commands;
}

/** Whether `argv` runs one command whose actions end all their work (`oneShot`). */
export function isOneShot(argv: readonly string[]): boolean {
  const wanted = commandsFor(argv);
  return wanted !== "summaries" && wanted.length === 1 && wanted[0]!.oneShot === true;
}
