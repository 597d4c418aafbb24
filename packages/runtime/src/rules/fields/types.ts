import type { RuntimeEvent } from "../../events/types.js";

/**
 * How a field's value compares: `strings` and `numbers` are multi-valued (a match on
 * any element counts, as Falco does for proc.aname); `ips` compares against addresses
 * and CIDR networks.
 */
export type FieldType = "string" | "number" | "bool" | "strings" | "numbers" | "ips";
export type FieldValue = string | number | boolean | readonly string[] | readonly number[] | undefined;

/** Per-evaluation state the engine provides (Falco's evt.num is an event counter). */
export interface EvalContext {
  num: number;
}

/** E is the event shape of the rule source: RuntimeEvent (syscall) or AuditEvent (k8s_audit). */
export type Extractor<E = RuntimeEvent> = (e: E, ctx: EvalContext) => FieldValue;

export interface FieldDef<E = RuntimeEvent> {
  name: string;
  type: FieldType;
  /** What goes between brackets: none, a number (proc.aname[2]) or free text (evt.arg[flags]). */
  arg: "none" | "index" | "text" | "optional-index";
  /** Binds the bracket argument once, at compile time. */
  bind(arg: string | undefined): Extractor<E>;
}

/** A field without a bracket argument. */
export function plain<E = RuntimeEvent>(name: string, type: FieldType, get: Extractor<E>): FieldDef<E> {
  return { name, type, arg: "none", bind: () => get };
}
