import { createHash } from "node:crypto";
import { parse } from "yaml";
import { BulwarkError, errorMessage, readBoundedFileSync } from "@bulwark/model";
import { compileRule } from "./compile.js";
import { SecretEngine } from "./engine.js";
import { kubernetesRules } from "./kubernetes.js";
import { builtinRules } from "./rules/index.js";
import type { SecretRuleSpec } from "./types.js";

/** The contents of a `--secret-config` file. */
export interface SecretConfigFile {
  /** Extra rules; a rule with a built-in id replaces the built-in one. */
  rules?: SecretRuleSpec[];
  /** Rule ids to turn off (added to `--disable-rule`). */
  disable?: string[];
  /** Path regexes never scanned by any rule. */
  allowPaths?: string[];
}

export function loadSecretConfig(file: string): SecretConfigFile {
  let text: string;
  try {
    text = readBoundedFileSync(file, "secret config", "CONFIG_BYTES").toString("utf8");
  } catch (e) {
    throw new BulwarkError("CONFIG_INVALID", `cannot read secret config ${file}: ${errorMessage(e)}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new BulwarkError(
      "CONFIG_INVALID",
      `secret config ${file} is not valid YAML: ${errorMessage(e).split("\n")[0]}`,
    );
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new BulwarkError(
      "CONFIG_INVALID",
      `secret config ${file} must be a mapping with rules, disable, allowPaths`,
    );
  const config = data as Record<string, unknown>;
  const unknownKeys = Object.keys(config).filter((k) => !["rules", "disable", "allowPaths"].includes(k));
  if (unknownKeys.length)
    throw new BulwarkError(
      "CONFIG_INVALID",
      `secret config ${file}: unknown key(s) ${unknownKeys.join(", ")}`,
    );
  for (const key of ["rules", "disable", "allowPaths"])
    if (config[key] !== undefined && !Array.isArray(config[key]))
      throw new BulwarkError("CONFIG_INVALID", `secret config ${file}: ${key} must be a list`);
  return config as SecretConfigFile;
}

/** Everything a scan needs: the engine and which structural (Kubernetes) rules are on. */
export interface SecretContext {
  engine: SecretEngine;
  enabled(id: string): boolean;
  /** Changes whenever the rule set changes; part of the image analyzer's cache version. */
  ruleSetHash: string;
}

export interface RuleSetOptions {
  secretConfig?: string;
  disableRules?: string[];
}

/**
 * Built-in rules plus the user's, minus disabled ones. Unknown ids in the disable list
 * are an error. Synchronous because `Scanner.analyzers()` is.
 */
export function buildContext(options: RuleSetOptions): SecretContext {
  const config = options.secretConfig ? loadSecretConfig(options.secretConfig) : {};
  const byId = new Map<string, SecretRuleSpec>();
  for (const rule of builtinRules) byId.set(rule.id, rule);
  for (const rule of config.rules ?? []) {
    if (typeof rule !== "object" || rule === null || Array.isArray(rule))
      throw new BulwarkError("CONFIG_INVALID", `secret config: every entry of rules must be a mapping`);
    byId.set(rule.id, rule);
  }
  const disabled = new Set([...(options.disableRules ?? []), ...(config.disable ?? [])]);
  const known = new Set([...byId.keys(), ...kubernetesRules.map((r) => r.id)]);
  // --disable-rule is shared with the misconfiguration scanner, whose ids start with "BW-".
  for (const id of disabled)
    if (!known.has(id) && !id.startsWith("BW-"))
      throw new BulwarkError(
        "USAGE",
        `cannot disable secret rule "${id}": no rule has that id (see bulwark secrets rules)`,
      );
  const specs = [...byId.values()].filter((r) => !disabled.has(r.id));
  const compiled = specs.map(compileRule);
  let allowPaths: RegExp[];
  try {
    allowPaths = (config.allowPaths ?? []).map((p) => new RegExp(p));
  } catch (e) {
    throw new BulwarkError("CONFIG_INVALID", `secret config allowPaths: ${errorMessage(e)}`);
  }
  const hash = createHash("sha256").update(
    JSON.stringify([specs, config.allowPaths ?? [], [...disabled].sort()]),
  );
  return {
    engine: new SecretEngine(compiled, allowPaths),
    enabled: (id) => !disabled.has(id),
    ruleSetHash: hash.digest("hex"),
  };
}
