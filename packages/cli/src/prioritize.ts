import { registerPrioritize as register } from "@bulwark/prioritize";
import type { Command } from "commander";

/**
 * `bulwark prioritize`, with `--observe` backed by the runtime agent's /proc collector.
 * The command lives in @bulwark/prioritize, which may not import @bulwark/runtime (its
 * allowed imports are the model and the command helpers); the CLI may import both, so it
 * hands the collector in. The runtime is loaded only when --observe is used.
 */
export function registerPrioritize(program: Command): void {
  register(program, async (o) => (await import("@bulwark/runtime")).observeImage(o));
}
