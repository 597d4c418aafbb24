import type { Severity } from "@bulwark/model";
import type { SecretRuleSpec } from "../types.js";
import { ASSIGN, E } from "./helpers.js";

/**
 * Letters of a plain word (or a `|` alternation of plain words) matched in either case,
 * so the name part of a rule ignores case while the value keeps its exact alphabet.
 */
export function ci(words: string): string {
  return words.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/** Words that make an identifier name a credential (`kraken_api_SECRET`, `asana_TOKEN`). */
export const SECRET_WORDS = "secret|key|token|pass|pwd|auth|credential|pat|sig";

/**
 * Identifier endings that name something about a credential, not the credential:
 * `*_SECRET_NAME`, `api_key_id`, `token_url`, `key_file`. Checked right before the `=`.
 */
const NOT_A_SECRET = ci(
  "name|names|id|ids|ref|path|file|url|uri|arn|type|env|var|length|len|header|field|prefix|regex|pattern|endpoint|version|expiry|expires|ttl|count|hint|label|param",
);

export interface KeyedSpec {
  id: string;
  provider: string;
  title?: string;
  severity?: Severity;
  /** Lower-case provider names; one must start the identifier (`KRAKEN_…`, `kraken.apiSecret`). */
  keywords: string[];
  /** A `|` alternation of words the identifier must contain after the provider name. */
  words?: string;
  /** The value's regex (exact case). */
  value: string;
  /** A `{CLASS:N}` template of the value: the rule's default true and false examples. */
  sample: string;
  entropy?: number;
  /** Extra true and false examples of this rule's own. */
  tps?: string[];
  fps?: string[];
}

const upper = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, "_");
const placeholder = (template: string): string =>
  template.replace(/\{([A-Z0-9]+):(\d+)\}/g, (_, _c: string, n: string) => "x".repeat(Number(n)));

/**
 * A credential that is only recognisable next to its provider's name: the provider word,
 * up to 24 name characters, a credential word, then an assignment and the value.
 */
export function keyed(spec: KeyedSpec): SecretRuleSpec {
  const names = spec.keywords.map((k) => ci(k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("|");
  const words = spec.words ?? SECRET_WORDS;
  const regex =
    `(?<![A-Za-z0-9])(?:${names})[A-Za-z0-9_.-]{0,24}?(?:${ci(words)})[A-Za-z0-9_.-]{0,12}` +
    `(?<!${NOT_A_SECRET})${ASSIGN}(${spec.value})${E}`;
  const kw = upper(spec.keywords[0]!);
  const word = upper(words.split("|")[0]!);
  return {
    id: spec.id,
    title: spec.title ?? `${spec.provider} credential (named beside its provider)`,
    severity: spec.severity ?? "HIGH",
    provider: spec.provider,
    detection: "keyword-context",
    keywords: spec.keywords,
    regex,
    secretGroup: 1,
    entropy: spec.entropy ?? 3,
    anchored: true,
    tps: [
      `${kw}_${word}=${spec.sample}`,
      `  "${spec.keywords[0]}_${word.toLowerCase()}": "${spec.sample}",`,
      ...(spec.tps ?? []),
    ],
    fps: [
      `${kw}_${word}=${placeholder(spec.sample)}`,
      `${kw}_${word}_NAME=${spec.sample}`,
      `  "value": "${spec.sample}",`,
      ...(spec.fps ?? []),
    ],
  };
}

/** Value alphabets of keyword-context rules: the regex class and its `{CLASS:N}` sample class. */
const CLASSES = {
  hex: ["[a-f0-9]", "HEX"],
  HEX: ["[A-Fa-f0-9]", "HEX"],
  a62: ["[A-Za-z0-9]", "A62"],
  url: ["[A-Za-z0-9_-]", "URL"],
  b64: ["[A-Za-z0-9+/]", "B64"],
  lowd: ["[a-z0-9]", "LOWD"],
  upd: ["[A-Z0-9]", "UPD"],
} as const;
export type ValueClass = keyof typeof CLASSES | "uuid";

const UUID_RE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const UUID_SAMPLE = "{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}";

/**
 * One keyword-context rule as a row: id, provider, provider names, the value's alphabet
 * and length (exact or [min, max]). The sample, and a near miss one character too short,
 * follow from the alphabet and length.
 */
export function k(
  id: string,
  provider: string,
  keywords: string | string[],
  cls: ValueClass,
  len: number | [number, number] = 32,
  extra: Partial<KeyedSpec> = {},
): SecretRuleSpec {
  const [min, max] = typeof len === "number" ? [len, len] : len;
  const keywordList = typeof keywords === "string" ? [keywords] : keywords;
  if (cls === "uuid")
    return keyed({
      id,
      provider,
      keywords: keywordList,
      value: UUID_RE,
      sample: UUID_SAMPLE,
      entropy: 3,
      ...extra,
      fps: [`${upper(keywordList[0]!)}_TOKEN={HEX:8}-{HEX:4}-{HEX:4}-{HEX:12}`, ...(extra.fps ?? [])],
    });
  const [re, sample] = CLASSES[cls];
  const tooShort = `${upper(keywordList[0]!)}_${upper((extra.words ?? SECRET_WORDS).split("|")[0]!)}={${sample}:${min - 1}}`;
  return keyed({
    id,
    provider,
    keywords: keywordList,
    value: cls === "b64" ? `${re}{${min},${max}}={0,2}` : `${re}{${min},${max}}`,
    sample: `{${sample}:${min}}`,
    entropy: min >= 16 ? 3 : 2.5,
    ...extra,
    fps: [...(cls === "b64" ? [] : [tooShort]), ...(extra.fps ?? [])],
  });
}
