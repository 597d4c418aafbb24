import type { Command } from "commander";
import { registerAdmission } from "../../packages/policy/src/cli/admission.js";
import { registerCatalog } from "../../packages/policy/src/cli/catalog.js";
import { registerPolicy } from "../../packages/policy/src/cli/policy.js";
import { registerRegistry } from "../../packages/policy/src/cli/registry.js";
import { registerChecks } from "./checks.js";
import { registerDb } from "./db.js";
import { registerSbom } from "./sbom.js";
import { registerScan } from "./scan.js";
import { registerSecrets } from "./secrets.js";
import { registerVault } from "../../packages/vault/src/cli/vault.js";
import { registerServe } from "../../packages/server/src/cli/serve.js";
import { registerAdmin } from "../../packages/server/src/cli/admin.js";
import { registerPrioritize } from "../../packages/prioritize/src/cli/prioritize.js";

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
  registerPolicy,
  registerAdmission,
  registerRegistry,
  registerCatalog,
  registerVault,
  registerServe,
  registerAdmin,
  registerPrioritize,
];
