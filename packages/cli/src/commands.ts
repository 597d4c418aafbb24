import type { Command } from "commander";

type Register = (program: Command) => void;

/**
 * The explicit list of CLI commands: each top-level command name and how to load the module
 * that adds it (with its subcommands). Loading is per command so that `bulwark scan …` does
 * not start the server's, vault's or runtime's dependencies; `--help` loads them all.
 */
export const commands: ReadonlyArray<{ name: string; load: () => Promise<Register> }> = [
  { name: "scan", load: async () => (await import("./scan.js")).registerScan },
  { name: "db", load: async () => (await import("./db.js")).registerDb },
  { name: "checks", load: async () => (await import("./checks.js")).registerChecks },
  { name: "sbom", load: async () => (await import("./sbom.js")).registerSbom },
  { name: "secrets", load: async () => (await import("./secrets.js")).registerSecrets },
  { name: "runtime", load: async () => (await import("@bulwark/runtime")).registerRuntime },
  { name: "policy", load: async () => (await import("@bulwark/policy")).registerPolicy },
  { name: "admission", load: async () => (await import("@bulwark/policy")).registerAdmission },
  { name: "registry", load: async () => (await import("@bulwark/policy")).registerRegistry },
  { name: "catalog", load: async () => (await import("@bulwark/policy")).registerCatalog },
  { name: "vault", load: async () => (await import("@bulwark/vault")).registerVault },
  { name: "serve", load: async () => (await import("@bulwark/server")).registerServe },
  { name: "admin", load: async () => (await import("@bulwark/server")).registerAdmin },
  { name: "prioritize", load: async () => (await import("@bulwark/prioritize")).registerPrioritize },
];

/** Global options that take a value: their value is not a command name. */
const VALUED = new Set(["--cache-dir"]);

/**
 * The commands to load for these arguments: the one named by the first word that is not an
 * option, none for a bare `--version`, and every command otherwise (help, or an unknown word,
 * which commander then reports with the full list).
 */
export function commandsFor(argv: readonly string[]): typeof commands {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUED.has(a)) i++;
    else if (!a.startsWith("-")) {
      const named = commands.filter((c) => c.name === a);
      return named.length ? named : commands;
    }
  }
  return argv.some((a) => a === "-V" || a === "--version") ? [] : commands;
}
