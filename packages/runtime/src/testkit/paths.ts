import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/**
 * Falco's public rule files live in the workplace's shared/peers/falco, beside the
 * repository (read from there, never copied in). CI lays shared/ beside its clone.
 */
export function falcoRulesDir(): string | undefined {
  const candidates = [
    process.env.BULWARK_FALCO_RULES_DIR,
    resolve(REPO_ROOT, "../shared/peers/falco"),
    resolve(REPO_ROOT, "../../shared/peers/falco"),
  ];
  return candidates.find((d): d is string => d !== undefined && existsSync(resolve(d, "falco_rules.yaml")));
}
