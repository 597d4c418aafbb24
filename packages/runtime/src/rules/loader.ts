/**
 * Loads Falco rule files: read → collect (macros, lists, append/override, exceptions)
 * → parse every condition → compile every rule into a closure. Syntax errors, unknown
 * or cyclic macros and unsafe regexes stop the load with file:line:column; a field
 * Bulwark cannot supply or a non-syscall source only makes that rule inactive, with a
 * warning naming the field.
 */
import { RuntimeError } from "../errors.js";
import type { Condition } from "./ast.js";
import { collect, type Collected } from "./collector.js";
import type { AuditEvent } from "../events/audit.js";
import { ConditionCompiler, ConditionProblem, type FieldLookup, type MacroSource } from "./compiler.js";
import {
  joinParts,
  locateInParts,
  type ConditionPart,
  type LoadWarning,
  type RuleDef,
} from "./definitions.js";
import { exceptionsCondition } from "./exceptions.js";
import { lookupAuditField } from "./fields/audit.js";
import { lookupField } from "./fields/registry.js";
import { CompileProblem } from "./operators.js";
import { compileOutput } from "./output.js";
import { ConditionSyntaxError, parseCondition } from "./parser.js";
import { formatLocation, parseRuleText, readRuleFile, type RawItem } from "./reader.js";
import type { CompiledRule } from "./rule.js";

export interface LoadedRules {
  /** Syscall rules (and rules of sources Bulwark does not evaluate, inactive). */
  rules: CompiledRule[];
  /** Rules of the k8s_audit source, evaluated on Kubernetes audit events (ka.* fields). */
  audit: Array<CompiledRule<AuditEvent>>;
  warnings: LoadWarning[];
  macros: number;
  lists: number;
}

export function loadRuleFiles(files: readonly string[]): LoadedRules {
  return loadItems(files.flatMap((f) => readRuleFile(f)));
}

/** Loads rules given as text (name is used in locations only). */
export function loadRuleTexts(sources: ReadonlyArray<{ name: string; text: string }>): LoadedRules {
  return loadItems(sources.flatMap((s) => parseRuleText(s.text, s.name)));
}

function loadItems(items: RawItem[]): LoadedRules {
  const c = collect(items);
  const macros = new Map<string, MacroSource>();
  for (const m of c.macros.values())
    macros.set(m.name, { condition: parseParts(m.parts, `macro ${m.name}`), origin: m.name });
  const lists = new Map<string, readonly string[]>([...c.lists.values()].map((l) => [l.name, l.items]));
  const compilers: Compilers = {
    syscall: new ConditionCompiler(macros, lists, lookupField),
    k8s_audit: new ConditionCompiler<AuditEvent>(macros, lists, lookupAuditField),
  };
  const warnings = [...c.warnings];
  const rules: CompiledRule[] = [];
  const audit: Array<CompiledRule<AuditEvent>> = [];
  for (const r of c.rules.values()) {
    if (r.source === "k8s_audit")
      audit.push(compileRule(r, c, compilers.k8s_audit, lookupAuditField, warnings));
    else if (r.source === "syscall") rules.push(compileRule(r, c, compilers.syscall, lookupField, warnings));
    else rules.push(unsupportedSource(r, warnings));
  }
  return { rules, audit, warnings, macros: c.macros.size, lists: c.lists.size };
}

function parseParts(parts: ConditionPart[], what: string): Condition {
  try {
    return parseCondition(joinParts(parts));
  } catch (e) {
    if (e instanceof ConditionSyntaxError)
      throw new RuntimeError(
        "RULES_INVALID",
        `${formatLocation(locateInParts(parts, e.offset))}: ${what}: ${e.message}`,
      );
    throw e;
  }
}

/** One compiler per evaluated source: the same macros and lists, that source's fields. */
interface Compilers {
  syscall: ConditionCompiler;
  k8s_audit: ConditionCompiler<AuditEvent>;
}

const baseOf = (r: RuleDef) => ({
  name: r.name,
  desc: r.desc,
  priority: r.priority,
  tags: r.tags,
  source: r.source,
  enabled: r.enabled,
  at: r.at,
});

function unsupportedSource(r: RuleDef, warnings: LoadWarning[]): CompiledRule {
  warnings.push({
    code: "UNSUPPORTED_SOURCE",
    at: r.at,
    rule: r.name,
    message: `rule ${r.name}: source "${r.source}" is not evaluated by Bulwark (syscall and k8s_audit only)`,
  });
  return {
    ...baseOf(r),
    evaluable: false,
    unsupported: [`source:${r.source}`],
    match: () => false,
    eventTypes: null,
    render: () => "",
  };
}

function compileRule<E extends object>(
  r: RuleDef,
  c: Collected,
  compiler: ConditionCompiler<E>,
  lookup: FieldLookup<E>,
  warnings: LoadWarning[],
): CompiledRule<E> {
  const base = baseOf(r);
  const output = compileOutput(r.output, lookup);
  let cond = parseParts(r.parts, `rule ${r.name}`);
  if (r.exceptions.length > 0)
    cond = {
      kind: "and",
      items: [cond, { kind: "not", expr: exceptionsCondition(r.name, r.exceptions, r.at) }],
    };
  let compiled;
  try {
    compiled = compiler.compile(cond);
  } catch (e) {
    throw locateProblem(e, r, c);
  }
  const unsupported = [...compiled.unsupported].sort();
  if (unsupported.length > 0)
    warnings.push({
      code: "UNSUPPORTED_FIELD",
      at: r.at,
      rule: r.name,
      message: `rule ${r.name}: not evaluated: Bulwark cannot supply ${unsupported.join(", ")}`,
    });
  if (output.unknown.length > 0)
    warnings.push({
      code: "UNKNOWN_OUTPUT_FIELD",
      at: r.at,
      rule: r.name,
      message: `rule ${r.name}: output fields rendered as <NA>: ${output.unknown.join(", ")}`,
    });
  if (compiled.eventTypes === null && unsupported.length === 0 && r.source === "syscall")
    warnings.push({
      code: "ANY_EVENT_TYPE",
      at: r.at,
      rule: r.name,
      message: `rule ${r.name}: condition does not restrict evt.type; it is checked against every event`,
    });
  return {
    ...base,
    evaluable: unsupported.length === 0,
    unsupported,
    match: compiled.match,
    eventTypes: compiled.eventTypes,
    render: output.render,
  };
}

function locateProblem(e: unknown, r: RuleDef, c: Collected): unknown {
  if (e instanceof ConditionProblem) {
    const macro = e.macro ? c.macros.get(e.macro) : undefined;
    const at = macro ? locateInParts(macro.parts, e.offset) : locateInParts(r.parts, e.offset);
    const where = macro ? `macro ${macro.name} (used by rule ${r.name})` : `rule ${r.name}`;
    return new RuntimeError("RULES_INVALID", `${formatLocation(at)}: ${where}: ${e.message}`);
  }
  if (e instanceof CompileProblem)
    return new RuntimeError(
      "RULES_INVALID",
      `${formatLocation(locateInParts(r.parts, e.offset))}: rule ${r.name}: ${e.message}`,
    );
  if (e instanceof RuntimeError) return e;
  return e;
}
