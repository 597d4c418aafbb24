export { RuleEngine, type RuleMatch } from "./engine.js";
export { loadRuleFiles, loadRuleTexts, type LoadedRules } from "./loader.js";
export type { CompiledRule } from "./rule.js";
export type { LoadWarning, Priority } from "./definitions.js";
export { FALCO_ENGINE_VERSION } from "./collector.js";
export { parseCondition, ConditionSyntaxError } from "./parser.js";
export { supportedFieldNames } from "./fields/registry.js";
export { defaultAuditRuleFiles, defaultRuleFiles } from "./default-rules.js";
