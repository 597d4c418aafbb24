/**
 * Applies rule-file items in order, the way Falco does: later definitions replace
 * earlier ones, `append: true` and `override:` extend them, a rule item with only
 * `enabled` toggles an existing rule, and required_engine_version is checked.
 */
import { RuntimeError } from "../errors.js";
import {
  parsePriority,
  type ConditionPart,
  type ExceptionDef,
  type ListDef,
  type LoadWarning,
  type MacroDef,
  type RuleDef,
} from "./definitions.js";
import { formatLocation, type Location, type RawItem } from "./reader.js";

/** The Falco rules-language level Bulwark implements (fields it lacks are warned per rule). */
export const FALCO_ENGINE_VERSION = "0.57.0";

export interface Collected {
  lists: Map<string, ListDef>;
  macros: Map<string, MacroDef>;
  rules: Map<string, RuleDef>;
  warnings: LoadWarning[];
}

const RULE_KEYS = new Set([
  "rule",
  "desc",
  "condition",
  "output",
  "priority",
  "tags",
  "enabled",
  "exceptions",
  "source",
  "append",
  "override",
  "warn_evttypes",
  "skip-if-unknown-filter",
  "capture",
  "capture_duration",
]);

export function collect(items: RawItem[]): Collected {
  const c: Collected = { lists: new Map(), macros: new Map(), rules: new Map(), warnings: [] };
  for (const item of items) {
    if (item.kind === "list") addList(c, item);
    else if (item.kind === "macro") addMacro(c, item);
    else if (item.kind === "rule") addRule(c, item);
    else if (item.kind === "required_engine_version") checkEngineVersion(item);
    else
      c.warnings.push({
        code: "PLUGIN_REQUIREMENT",
        at: item.at,
        message: "required_plugin_versions ignored: Bulwark supplies container and k8s fields itself",
      });
  }
  return c;
}

const bad = (at: Location, msg: string): RuntimeError =>
  new RuntimeError("RULES_INVALID", `${formatLocation(at)}: ${msg}`);

function str(item: RawItem, key: string, required: boolean): string | undefined {
  const v = item.body[key];
  if (v === undefined || v === null) {
    if (required)
      throw bad(item.at, `${item.kind} ${JSON.stringify(item.body[item.kind])}: missing "${key}"`);
    return undefined;
  }
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw bad(item.at, `"${key}" must be a string`);
}

function nameOf(item: RawItem): string {
  const n = item.body[item.kind];
  if (typeof n !== "string" || n.trim() === "") throw bad(item.at, `${item.kind} needs a name`);
  // Names appear in one-line errors and alerts.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(n))
    throw bad(item.at, `${item.kind} name ${JSON.stringify(n)} contains control characters`);
  return n;
}

/** "append" or "replace" for `key`, from `append: true` or `override: {key: …}`. */
function mode(item: RawItem, key: string): "append" | "replace" | undefined {
  if (item.body.append === true) return "append";
  const o = item.body.override;
  if (o === undefined) return undefined;
  if (typeof o !== "object" || o === null) throw bad(item.at, "override must be a mapping");
  const m = (o as Record<string, unknown>)[key];
  if (m === undefined) return undefined;
  if (m !== "append" && m !== "replace") throw bad(item.at, `override.${key} must be append or replace`);
  return m;
}

function conditionPart(item: RawItem): ConditionPart | undefined {
  const text = str(item, "condition", false);
  return text === undefined ? undefined : { text, at: item.at, map: item.conditionAt };
}

function addList(c: Collected, item: RawItem): void {
  const name = nameOf(item);
  const raw = item.body.items ?? [];
  if (!Array.isArray(raw) || raw.some((x) => typeof x === "object" && x !== null))
    throw bad(item.at, `list ${name}: items must be a list of scalars`);
  const items = raw.map((x: unknown) => String(x as string | number | boolean | null));
  const m = mode(item, "items");
  const prev = c.lists.get(name);
  if (m === "append") {
    if (!prev) throw bad(item.at, `list ${name}: append to a list that is not defined`);
    prev.items.push(...items);
  } else c.lists.set(name, { name, items, at: item.at });
}

function addMacro(c: Collected, item: RawItem): void {
  const name = nameOf(item);
  const part = conditionPart(item);
  if (!part) throw bad(item.at, `macro ${name}: missing "condition"`);
  const m = mode(item, "condition");
  const prev = c.macros.get(name);
  if (m === "append") {
    if (!prev) throw bad(item.at, `macro ${name}: append to a macro that is not defined`);
    prev.parts.push(part);
  } else c.macros.set(name, { name, parts: [part], at: item.at });
}

function exceptionsOf(item: RawItem): ExceptionDef[] {
  const raw = item.body.exceptions;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad(item.at, "exceptions must be a list");
  return raw.map((x: unknown) => {
    const e = x as Partial<ExceptionDef> | null;
    if (!e || typeof e.name !== "string") throw bad(item.at, "each exception needs a name");
    return {
      name: e.name,
      fields: e.fields ?? [],
      comps: e.comps,
      values: Array.isArray(e.values) ? e.values : [],
    };
  });
}

function addRule(c: Collected, item: RawItem): void {
  const name = nameOf(item);
  for (const k of Object.keys(item.body))
    if (!RULE_KEYS.has(k))
      c.warnings.push({
        code: "UNKNOWN_KEY",
        at: item.at,
        rule: name,
        message: `rule ${name}: unknown key "${k}" ignored`,
      });
  const prev = c.rules.get(name);
  const condMode = mode(item, "condition");
  if (
    item.body.append === true ||
    item.body.override !== undefined ||
    (prev && item.body.condition === undefined)
  ) {
    if (!prev)
      throw bad(
        item.at,
        `rule ${name}: ${item.body.append === true ? "append" : "override"} of a rule that is not defined`,
      );
    return modifyRule(prev, item, condMode);
  }
  if (item.body.condition === undefined) throw bad(item.at, `rule ${name}: missing "condition"`);
  const prio = str(item, "priority", true)!;
  const priority = parsePriority(prio);
  if (!priority) throw bad(item.at, `rule ${name}: unknown priority "${prio}"`);
  const tags = item.body.tags ?? [];
  if (!Array.isArray(tags)) throw bad(item.at, `rule ${name}: tags must be a list`);
  c.rules.set(name, {
    name,
    desc: str(item, "desc", false) ?? "",
    parts: [conditionPart(item) ?? { text: "", at: item.at }],
    output: str(item, "output", true)!,
    priority,
    tags: tagList(item, tags),
    enabled: item.body.enabled !== false,
    source: str(item, "source", false) ?? "syscall",
    exceptions: exceptionsOf(item),
    at: item.at,
  });
}

function modifyRule(rule: RuleDef, item: RawItem, condMode: "append" | "replace" | undefined): void {
  const part = conditionPart(item);
  if (part) rule.parts = condMode === "append" ? [...rule.parts, part] : [part];
  const excMode = mode(item, "exceptions") ?? "append";
  for (const e of exceptionsOf(item)) {
    const same = rule.exceptions.find((x) => x.name === e.name);
    if (same && excMode === "append") same.values.push(...e.values);
    else rule.exceptions = [...rule.exceptions.filter((x) => x.name !== e.name), e];
  }
  if (typeof item.body.enabled === "boolean") rule.enabled = item.body.enabled;
  const output = str(item, "output", false);
  if (output !== undefined)
    rule.output = mode(item, "output") === "append" ? `${rule.output} ${output}` : output;
  const prio = str(item, "priority", false);
  if (prio !== undefined) rule.priority = parsePriority(prio) ?? rule.priority;
  const tags = item.body.tags;
  if (Array.isArray(tags))
    rule.tags = mode(item, "tags") === "append" ? [...rule.tags, ...tags.map(String)] : tags.map(String);
  const desc = str(item, "desc", false);
  if (desc !== undefined) rule.desc = desc;
}

function tagList(item: RawItem, tags: unknown[]): string[] {
  return tags.map((t) => {
    if (typeof t === "string" || typeof t === "number" || typeof t === "boolean") return String(t);
    throw bad(item.at, "tags must be a list of strings");
  });
}

function versionParts(v: string): number[] {
  // An integer N is the old spelling of 0.N.0.
  return /^\d+$/.test(v) ? [0, Number(v), 0] : v.split(".").map((x) => Number.parseInt(x, 10) || 0);
}

function checkEngineVersion(item: RawItem): void {
  const want = str(item, "required_engine_version", true)!;
  const a = versionParts(want);
  const b = versionParts(FALCO_ENGINE_VERSION);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) > (b[i] ?? 0))
      throw bad(
        item.at,
        `required_engine_version ${want} is newer than the rule language Bulwark implements (${FALCO_ENGINE_VERSION})`,
      );
    if ((a[i] ?? 0) < (b[i] ?? 0)) return;
  }
}
