import { fileURLToPath } from "node:url";

/**
 * Bulwark's own rule set, shipped as YAML in Falco syntax beside this module. (A build
 * that emits JavaScript must copy rules/default/*.yaml next to the compiled file.)
 */
export function defaultRuleFiles(): string[] {
  return [fileURLToPath(new URL("./default/bulwark_rules.yaml", import.meta.url))];
}
