import type { SecretRuleSpec } from "../types.js";
import { cloudRules } from "./cloud.js";
import { codeRules } from "./code.js";
import { genericRules } from "./generic.js";
import { keyRules } from "./keys.js";
import { saasRules } from "./saas.js";

/**
 * The built-in rules, specific ones first: when two rules find the same secret on
 * the same line, the earlier (more specific) rule names the finding.
 */
export const builtinRules: SecretRuleSpec[] = [
  ...cloudRules,
  ...codeRules,
  ...saasRules,
  ...keyRules,
  ...genericRules,
];
