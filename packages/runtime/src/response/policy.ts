/**
 * The responses file: which action runs for which rule, and who enabled it. YAML a person
 * reviews in a pull request; loading is strict (unknown keys, unknown actions, duplicates and
 * half-filled entries are refused) and any problem is one error naming the file and line.
 *
 *   apiVersion: bulwark.dev/v1
 *   kind: RuntimeResponses
 *   responses:
 *     - rule: Terminal shell in container   # a rule name, or baseline-deviation
 *       action: kill                        # kill | pause | stop | isolate
 *       enabledBy: alice                    # with enabledAt: the action is taken;
 *       enabledAt: 2026-12-04T10:00:00Z     # without both: a dry run
 *       host: true                          # optional, kill only: may act on host processes
 */
import { readFileSync } from "node:fs";
import { isScalar, isSeq, type Node } from "yaml";
import { type Located, mapEntries, only, parseYamlFile } from "../config/yaml.js";
import { RuntimeError } from "../errors.js";
import { ACTION_NAMES, type ActionName } from "./actions.js";

export const RESPONSES_API = "bulwark.dev/v1";
export const RESPONSES_KIND = "RuntimeResponses";
/** The rule name under which protect-mode baseline deviations look up their response. */
export const BASELINE_DEVIATION = "baseline-deviation";

export interface ResponseEntry {
  rule: string;
  action: ActionName;
  /** Absent: the entry is a dry run (what would be done is recorded, nothing is done). */
  enabled?: { by: string; at: string };
  host: boolean;
  /** Where the entry is, for messages ("file:line"). */
  at: string;
}

function text(node: Node | undefined, where: string, loc: Located, parent: Node): string {
  if (node === undefined) loc.fail(parent, `${where} is missing`);
  if (!isScalar(node) || typeof node.value !== "string" || node.value.trim() === "")
    loc.fail(node, `${where} must be a non-empty string`);
  return node.value;
}

/** enabledAt: a YAML timestamp arrives as a string (the core schema has no dates). */
function timestamp(node: Node | undefined, loc: Located, parent: Node): string {
  const s = text(node, "enabledAt", loc, parent);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) || Number.isNaN(Date.parse(s)))
    loc.fail(node, `enabledAt must be a date and time (RFC 3339), got "${s}"`);
  return s;
}

function entry(node: Node, loc: Located): ResponseEntry {
  const e = mapEntries(node, "a responses entry", loc);
  only(e, ["rule", "action", "enabledBy", "enabledAt", "host"], "a responses entry", loc);
  const rule = text(e.get("rule"), "rule", loc, node);
  const actionNode = e.get("action");
  const action = text(actionNode, "action", loc, node) as ActionName;
  if (!ACTION_NAMES.includes(action))
    loc.fail(actionNode, `action must be one of ${ACTION_NAMES.join(", ")}, got "${action}"`);
  const by = e.get("enabledBy");
  const at = e.get("enabledAt");
  if ((by === undefined) !== (at === undefined))
    loc.fail(node, "enabledBy and enabledAt go together (both: the action is taken; neither: a dry run)");
  const hostNode = e.get("host");
  if (hostNode !== undefined && !(isScalar(hostNode) && typeof hostNode.value === "boolean"))
    loc.fail(hostNode, "host must be true or false");
  const host = hostNode !== undefined && (hostNode as { value: boolean }).value;
  if (host && action !== "kill")
    loc.fail(
      hostNode,
      `host: true is allowed with action kill only (Bulwark never runs ${action} on the host)`,
    );
  return {
    rule,
    action,
    enabled:
      by === undefined ? undefined : { by: text(by, "enabledBy", loc, node), at: timestamp(at, loc, node) },
    host,
    at: `${loc.file}:${loc.line(node)}`,
  };
}

export function parseResponses(yamlText: string, file: string): ResponseEntry[] {
  const { doc, loc: at } = parseYamlFile(yamlText, file, "RESPONSES_INVALID", "core");
  // Annotated: TypeScript narrows through \`loc.fail\` (never) only on an explicitly typed name.
  const loc: Located = at;
  const top = mapEntries(doc.contents, "the responses file", loc);
  only(top, ["apiVersion", "kind", "responses"], "the responses file", loc);
  const root = doc.contents as Node;
  if (text(top.get("apiVersion"), "apiVersion", loc, root) !== RESPONSES_API)
    loc.fail(top.get("apiVersion"), `apiVersion must be ${RESPONSES_API}`);
  if (text(top.get("kind"), "kind", loc, root) !== RESPONSES_KIND)
    loc.fail(top.get("kind"), `kind must be ${RESPONSES_KIND}`);
  const list = top.get("responses");
  if (list === undefined) loc.fail(root, "responses is missing");
  if (!isSeq(list)) loc.fail(list, "responses must be a list");
  const out: ResponseEntry[] = [];
  for (const item of list.items) {
    const parsed = entry(item as Node, loc);
    const twin = out.find((o) => o.rule === parsed.rule && o.action === parsed.action);
    if (twin)
      loc.fail(item as Node, `rule "${parsed.rule}" has action ${parsed.action} twice (first at ${twin.at})`);
    out.push(parsed);
  }
  return out;
}

export function loadResponsesFile(file: string): ResponseEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new RuntimeError(
      "RESPONSES_INVALID",
      `${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseResponses(text, file);
}
