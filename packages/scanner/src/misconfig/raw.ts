import type { MisconfigFinding } from "@bulwark/model";
import type { Directive, Scope } from "./suppress.js";
import type { CheckMeta, ResourceRef } from "./types.js";

/** A failure located in a file, with the directives that may suppress it. */
export interface RawFinding {
  meta: CheckMeta;
  file: string;
  line: number;
  resource?: ResourceRef;
  message?: string;
  scope: Scope;
  inline: readonly Directive[];
  annotations?: readonly Directive[];
}

export function toFinding(r: RawFinding): MisconfigFinding {
  return {
    kind: "misconfiguration",
    id: r.meta.id,
    severity: r.meta.severity,
    title: r.meta.title,
    file: r.file,
    line: r.line,
    ...(r.resource ? { resource: r.resource } : {}),
    ...(r.message ? { message: r.message } : {}),
    remediation: r.meta.remediation,
    mappings: r.meta.mappings as Record<string, string[]>,
  };
}
