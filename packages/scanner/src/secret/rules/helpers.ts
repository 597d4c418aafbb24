import type { Severity } from "@bulwark/model";
import type { SecretRuleSpec, Detection } from "../types.js";

/** Left and right boundaries: a token must not be the middle of a longer word. */
export const B = "(?<![A-Za-z0-9_])";
export const E = "(?![A-Za-z0-9_-])";

/** Assignment operator between a name and its value: `=`, `:`, `:=`, `=>`, with optional quotes. */
export const ASSIGN = `["']?\\s{0,5}(?::=|=>|[:=])\\s{0,5}["'\`]?`;

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface Extra {
  entropy?: number;
  anchored?: boolean;
  allow?: SecretRuleSpec["allowlist"];
  flags?: string;
  provider?: string;
  detection?: Detection;
  tps?: string[];
  fps?: string[];
}

/** A token recognised by its own prefix, e.g. `ghp_` + 36 alphanumerics. */
export function prefixed(
  id: string,
  title: string,
  severity: Severity,
  prefix: string,
  body: string,
  extra: Extra = {},
): SecretRuleSpec {
  const regex = `${B}${escapeRegex(prefix)}${body}${E}`;
  return custom(id, title, severity, [prefix.toLowerCase()], regex, 0, { ...extra, anchored: true });
}

/**
 * A value with no prefix of its own, recognised by the name it is assigned to
 * (`datadog_api_key = …`). NAME is matched case-insensitively.
 */
export function assigned(
  id: string,
  title: string,
  severity: Severity,
  keywords: string[],
  name: string,
  value: string,
  extra: Extra = {},
): SecretRuleSpec {
  const regex = `${name}[a-z0-9_.-]{0,20}${ASSIGN}(${value})${E}`;
  return custom(id, title, severity, keywords, regex, 1, {
    detection: "keyword-context",
    ...extra,
    anchored: true,
    flags: "i",
  });
}

/** A regex written out in full. */
export function custom(
  id: string,
  title: string,
  severity: Severity,
  keywords: string[],
  regex: string,
  secretGroup: number,
  extra: Extra = {},
): SecretRuleSpec {
  return {
    id,
    title,
    severity,
    keywords,
    regex,
    secretGroup,
    entropy: extra.entropy ?? 3,
    ...(extra.provider ? { provider: extra.provider } : {}),
    detection: extra.detection ?? "structural",
    ...(extra.tps ? { tps: extra.tps } : {}),
    ...(extra.fps ? { fps: extra.fps } : {}),
    ...(extra.anchored ? { anchored: true } : {}),
    ...(extra.flags ? { flags: extra.flags } : {}),
    ...(extra.allow ? { allowlist: extra.allow } : {}),
  };
}

export const A62 = "[A-Za-z0-9]";
export const HEX = "[a-f0-9]";
export const URLSAFE = "[A-Za-z0-9_-]";
export const B64 = "[A-Za-z0-9+/]";
