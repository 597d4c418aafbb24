/**
 * Every field Bulwark can supply, by Falco name. A field not listed here makes the
 * rules that use it load with a warning naming the field.
 */
import { CONTAINER_FIELDS } from "./container.js";
import { EVENT_FIELDS, dottedArgField } from "./event.js";
import { FD_FIELDS } from "./fd.js";
import { PROCESS_FIELDS } from "./process.js";
import type { FieldDef } from "./types.js";

const FIELDS = new Map<string, FieldDef>(
  [...EVENT_FIELDS, ...PROCESS_FIELDS, ...FD_FIELDS, ...CONTAINER_FIELDS].map((f) => [f.name, f]),
);

export function lookupField(name: string): FieldDef | undefined {
  return FIELDS.get(name) ?? dottedArgField(name);
}

export function supportedFieldNames(): string[] {
  return [...FIELDS.keys()].sort();
}
