import type { Severity } from "@bulwark/model";
import type { SecretRuleSpec } from "../types.js";
import { prefixed } from "./helpers.js";

const PART = /\{([A-Z0-9]+):(\d+)\}/g;
const placeholder = (t: string): string =>
  t.replace(PART, (_, _c: string, n: string) => "x".repeat(Number(n)));
/** The sample with its last random part one character short: a wrong-length near miss. */
function shortened(t: string): string {
  const parts = [...t.matchAll(PART)];
  const last = parts[parts.length - 1];
  if (!last) return t.slice(0, -1);
  const n = Number(last[2]) - 1;
  return t.slice(0, last.index) + `{${last[1]}:${n}}` + t.slice(last.index + last[0].length);
}

interface TokOptions {
  severity?: Severity;
  entropy?: number;
  /** Set when the body's length is a range, so a one-shorter sample would still match. */
  ranged?: boolean;
  tps?: string[];
  fps?: string[];
}

/**
 * A token with its own prefix (structural), its true examples built from SAMPLE (the body
 * as a `{CLASS:N}` template) and its false ones from a placeholder and a wrong length.
 */
export function tok(
  id: string,
  provider: string,
  title: string,
  prefix: string,
  body: string,
  sample: string,
  o: TokOptions = {},
): SecretRuleSpec {
  const full = `${prefix}${sample}`;
  return prefixed(id, title, o.severity ?? "HIGH", prefix, body, {
    provider,
    ...(o.entropy !== undefined ? { entropy: o.entropy } : {}),
    tps: [`  "value": "${full}",`, `TOKEN=${full}`, ...(o.tps ?? [])],
    fps: [
      `  "value": "${placeholder(full)}",`,
      ...(o.ranged ? [] : [`TOKEN=${shortened(full)}`]),
      ...(o.fps ?? []),
    ],
  });
}
