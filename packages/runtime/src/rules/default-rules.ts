import { fileURLToPath } from "node:url";

/**
 * Bulwark's own rule set, shipped as YAML in Falco syntax beside this module. (A build
 * that emits JavaScript must copy rules/default/*.yaml next to the compiled file.)
 */
export function defaultRuleFiles(): string[] {
  return [fileURLToPath(new URL("./default/bulwark_rules.yaml", import.meta.url))];
}

/** Bulwark's Kubernetes audit rules (source k8s_audit), used by `runtime audit`. */
export function defaultAuditRuleFiles(): string[] {
  return [fileURLToPath(new URL("./default/bulwark_k8s_audit_rules.yaml", import.meta.url))];
}
