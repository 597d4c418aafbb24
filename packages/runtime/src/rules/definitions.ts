/** Rule-file definitions after collection (before compilation). */
import type { Location } from "./reader.js";

export const PRIORITIES = [
  "EMERGENCY",
  "ALERT",
  "CRITICAL",
  "ERROR",
  "WARNING",
  "NOTICE",
  "INFORMATIONAL",
  "DEBUG",
] as const;
export type Priority = (typeof PRIORITIES)[number];

export function parsePriority(text: string): Priority | undefined {
  const up = text.trim().toUpperCase();
  if (up === "INFO") return "INFORMATIONAL";
  return PRIORITIES.find((p) => p === up);
}

/** One piece of a condition text; appends add pieces so errors still point into the right file. */
export interface ConditionPart {
  text: string;
  at: Location;
  map?: (offset: number) => Location;
}

export interface ListDef {
  name: string;
  items: string[];
  at: Location;
}

export interface MacroDef {
  name: string;
  parts: ConditionPart[];
  at: Location;
}

export interface ExceptionDef {
  name: string;
  fields: string | string[];
  comps?: string | string[];
  values: unknown[];
}

export interface RuleDef {
  name: string;
  desc: string;
  parts: ConditionPart[];
  output: string;
  priority: Priority;
  tags: string[];
  enabled: boolean;
  /** Event source: "syscall" unless the file says otherwise (k8s_audit, …). */
  source: string;
  exceptions: ExceptionDef[];
  at: Location;
}

export type WarningCode =
  | "UNSUPPORTED_FIELD"
  | "UNSUPPORTED_SOURCE"
  | "UNKNOWN_OUTPUT_FIELD"
  | "ANY_EVENT_TYPE"
  | "PLUGIN_REQUIREMENT"
  | "UNKNOWN_KEY";

export interface LoadWarning {
  code: WarningCode;
  at: Location;
  rule?: string;
  message: string;
}

export function joinParts(parts: ConditionPart[]): string {
  return parts.map((p) => p.text).join(" ");
}

/** The file location of character `offset` of the joined condition text. */
export function locateInParts(parts: ConditionPart[], offset: number): Location {
  let start = 0;
  for (const p of parts) {
    const end = start + p.text.length;
    if (offset <= end) return p.map ? p.map(offset - start) : p.at;
    start = end + 1;
  }
  const last = parts[parts.length - 1];
  return last?.map ? last.map(last.text.length) : (last?.at ?? { file: "?", line: 0, column: 0 });
}
