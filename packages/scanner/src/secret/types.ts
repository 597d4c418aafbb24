import type { Severity, Detection } from "@bulwark/model";

/** Exceptions that keep a rule quiet: file paths, matched text, or words inside the secret. */
export interface Allowlist {
  /** Regexes tested against the file path. */
  paths?: string[];
  /** Regexes tested against the secret itself. */
  regexes?: string[];
  /** Case-insensitive words; a secret containing one is not reported. */
  stopwords?: string[];
}

/**
 * How a rule recognises its secret: by the secret's own shape (a prefix, a URL, a PEM
 * block: "structural"), or only by the provider's name next to it ("keyword-context").
 */
export type { Detection } from "@bulwark/model";

/** A secret rule as data: what users write in `--secret-config` and what the built-in list holds. */
export interface SecretRuleSpec {
  id: string;
  title: string;
  /** The service the credential belongs to (the docs' provider table is built from this). */
  provider?: string;
  /** Defaults to "structural". */
  detection?: Detection;
  /**
   * True examples (the rule must find each) and false ones (nothing may be found), run by
   * the rule self-test. `{CLASS:N}` parts (e.g. `{A62:36}`) are filled from a seeded PRNG.
   */
  tps?: string[];
  fps?: string[];
  severity: Severity;
  /** Lower-case literals; the regex only runs on text that contains one of them (the hot path). */
  keywords: string[];
  /** JavaScript regex source. Every quantifier must be bounded (no `*`, `+`, `{n,}`). */
  regex: string;
  /** Flags besides "g" (e.g. "i"). */
  flags?: string;
  /** Capture group that holds the secret; 0 = the whole match. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /**
   * True when every match starts exactly where one of the keywords starts: the regex then
   * runs only at keyword positions instead of over the whole text (the fast path).
   */
  anchored?: boolean;
  allowlist?: Allowlist;
}

/** A rule ready to run. */
export interface CompiledRule {
  spec: SecretRuleSpec;
  regex: RegExp;
  /** The same regex with the sticky flag, for anchored rules. */
  sticky: RegExp;
  pathAllow: RegExp[];
  secretAllow: RegExp[];
  stopwords: string[];
}

/** One secret found in one piece of text; carries the secret's hash, never the secret. */
export type { SecretHit } from "@bulwark/model";

/** Provider and true/false examples of a rule written before rules carried them inline. */
export interface LegacyExample {
  provider: string;
  tps: string[];
  fps: string[];
}
