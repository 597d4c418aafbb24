import type { Command } from "commander";
import { registerAuditCommand } from "./audit.js";
import { registerAttestCommand } from "./attest.js";
import { registerBaselineCommand } from "./baseline.js";
import { registerFlowsCommand } from "./flows.js";
import { registerLoginsCommand } from "./logins.js";
import { registerReplayCommand } from "./replay.js";
import { registerRulesCommand } from "./rules.js";
import { registerStatusCommand } from "./status.js";
import { registerTopCommand } from "./top.js";
import { registerWatchCommand } from "./watch.js";

/**
 * The subcommands of `bulwark runtime`, one registrar each, in help order. Each one
 * lives in its own file under cli/ (rules, replay, watch, status) and receives the
 * `runtime` command to attach itself to; the list is explicit so importing a file
 * never registers anything by side effect.
 */
const subcommands: Array<(runtime: Command) => void> = [
  registerRulesCommand,
  registerReplayCommand,
  registerWatchCommand,
  registerStatusCommand,
  registerBaselineCommand,
  registerTopCommand,
  registerFlowsCommand,
  registerAuditCommand,
  registerLoginsCommand,
  registerAttestCommand,
];

export function registerRuntime(program: Command): void {
  const runtime = program
    .command("runtime")
    .description(
      "Runtime detection: watch running containers, evaluate Falco-compatible rules, raise alerts",
    );
  for (const add of subcommands) add(runtime);
}
