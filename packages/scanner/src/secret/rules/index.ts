import type { SecretRuleSpec } from "../types.js";
import { cloudRules } from "./cloud.js";
import { codeRules } from "./code.js";
import { contextRulesAM } from "./context-a-m.js";
import { contextRulesNZ } from "./context-n-z.js";
import { legacyExamples } from "./examples.js";
import { frameworkRules } from "./frameworks.js";
import { genericRules } from "./generic.js";
import { keyRules } from "./keys.js";
import { saasRules } from "./saas.js";
import { structuralRules } from "./structural.js";
import { tokenRules } from "./tokens.js";

/** Rules written before rules carried their provider and examples get them from examples.ts. */
function withExamples(rule: SecretRuleSpec): SecretRuleSpec {
  const legacy = legacyExamples[rule.id];
  if (!legacy || rule.tps) return rule;
  return { ...rule, provider: rule.provider ?? legacy.provider, tps: legacy.tps, fps: legacy.fps };
}

/**
 * The built-in rules, specific ones first: when two rules find the same secret on
 * the same line, the earlier (more specific) rule names the finding.
 */
export const builtinRules: SecretRuleSpec[] = [
  ...cloudRules,
  ...codeRules,
  ...saasRules,
  ...tokenRules,
  ...keyRules,
  ...structuralRules,
  ...frameworkRules,
  ...contextRulesAM,
  ...contextRulesNZ,
  ...genericRules,
].map(withExamples);
