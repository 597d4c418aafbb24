import { BulwarkError, SEVERITIES } from "@bulwark/model";
import type { CompiledRule, SecretRuleSpec } from "./types.js";

/**
 * Why a rule's regex could run away, or undefined when it is safe. JavaScript regexes
 * have no step limit, so every quantifier must be bounded: `*`, `+` and `{n,}` are
 * refused, which keeps the work per start position bounded by the rule's own limits.
 */
export function unboundedQuantifier(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "*" || c === "+") return `unbounded quantifier "${c}" at offset ${i}`;
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m && m[2] !== undefined && m[3] === "") return `unbounded quantifier "${m[0]}" at offset ${i}`;
    }
  }
  return undefined;
}

function invalid(id: string, why: string): BulwarkError {
  return new BulwarkError("CONFIG_INVALID", `secret rule "${id}": ${why}`);
}

function compileRegexes(id: string, what: string, sources: string[] | undefined, flags: string): RegExp[] {
  return (sources ?? []).map((s) => {
    try {
      return new RegExp(s, flags);
    } catch (e) {
      throw invalid(id, `invalid ${what} regex ${JSON.stringify(s)}: ${(e as Error).message}`);
    }
  });
}

/** User rules come from YAML: wrong types get a message naming the rule, not a TypeError. */
function checkOptionalTypes(id: string, spec: SecretRuleSpec): void {
  if (spec.entropy !== undefined && typeof spec.entropy !== "number")
    throw invalid(id, "entropy must be a number");
  if (spec.anchored !== undefined && typeof spec.anchored !== "boolean")
    throw invalid(id, "anchored must be true or false");
  if (spec.flags !== undefined && typeof spec.flags !== "string") throw invalid(id, "flags must be a string");
  const allow = spec.allowlist;
  if (allow === undefined) return;
  if (typeof allow !== "object" || allow === null || Array.isArray(allow))
    throw invalid(id, "allowlist must be a mapping of paths, regexes, stopwords");
  for (const key of ["paths", "regexes", "stopwords"] as const) {
    const list = allow[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== "string")))
      throw invalid(id, `allowlist.${key} must be a list of strings`);
  }
}

/** Checks one rule spec (built-in or from a user's file) and compiles it. */
export function compileRule(spec: SecretRuleSpec): CompiledRule {
  const id =
    typeof spec.id === "string" && /^[a-z0-9][a-z0-9._-]{0,80}$/i.test(spec.id) ? spec.id : undefined;
  if (!id)
    throw new BulwarkError(
      "CONFIG_INVALID",
      `secret rule id ${JSON.stringify(spec.id)} is missing or invalid`,
    );
  if (typeof spec.title !== "string" || spec.title === "") throw invalid(id, "title is missing");
  if (!SEVERITIES.includes(spec.severity))
    throw invalid(id, `severity must be one of ${SEVERITIES.join(", ")}`);
  if (
    !Array.isArray(spec.keywords) ||
    spec.keywords.length === 0 ||
    spec.keywords.some((k) => typeof k !== "string" || k === "")
  )
    throw invalid(id, "keywords must be a non-empty list of strings (they gate the regex)");
  if (typeof spec.regex !== "string") throw invalid(id, "regex is missing");
  const unbounded = unboundedQuantifier(spec.regex);
  if (unbounded) throw invalid(id, `${unbounded}; use a bounded form such as {1,64}`);
  checkOptionalTypes(id, spec);
  const flags = spec.flags ?? "";
  if (!/^[imsu]*$/.test(flags)) throw invalid(id, `flags may only contain i, m, s, u (got "${flags}")`);
  let regex: RegExp;
  try {
    regex = new RegExp(spec.regex, `g${flags}`);
  } catch (e) {
    throw invalid(id, `invalid regex: ${(e as Error).message}`);
  }
  const group = spec.secretGroup ?? 0;
  const groups = new RegExp(`${spec.regex}|`, flags).exec("")?.length ?? 1;
  if (!Number.isInteger(group) || group < 0 || group >= groups)
    throw invalid(id, `secretGroup ${group} does not exist`);
  return {
    spec: { ...spec, keywords: spec.keywords.map((k) => k.toLowerCase()), secretGroup: group },
    regex,
    sticky: new RegExp(spec.regex, `y${flags}`),
    pathAllow: compileRegexes(id, "path allowlist", spec.allowlist?.paths, ""),
    secretAllow: compileRegexes(id, "allowlist", spec.allowlist?.regexes, ""),
    stopwords: (spec.allowlist?.stopwords ?? []).map((w) => w.toLowerCase()),
  };
}
