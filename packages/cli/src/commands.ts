import type { Command } from "commander";
import { registerChecks } from "./checks.js";
import { registerDb } from "./db.js";
import { registerSbom } from "./sbom.js";
import { registerScan } from "./scan.js";
import { registerSecrets } from "./secrets.js";
import { registerRuntime } from "@bulwark/runtime";
import { registerAdmission, registerCatalog, registerPolicy, registerRegistry } from "@bulwark/policy";
import { registerVault } from "@bulwark/vault";
import { registerAdmin, registerServe } from "@bulwark/server";
import { registerPrioritize } from "@bulwark/prioritize";

/**
 * The explicit list of CLI commands. Each entry adds one command (with its
 * subcommands) to the program; a command file only parses flags and calls the library.
 */
export const commands: Array<(program: Command) => void> = [
  registerScan,
  registerDb,
  registerChecks,
  registerSbom,
  registerSecrets,
  registerRuntime,
  registerPolicy,
  registerAdmission,
  registerRegistry,
  registerCatalog,
  registerVault,
  registerServe,
  registerAdmin,
  registerPrioritize,
];
