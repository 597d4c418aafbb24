import type { Severity } from "@bulwark/model";
import type { CheckMeta, Family, Rule } from "./types.js";

/** One failure a rule reported, before suppression and before it becomes a finding. */
export interface Hit<At> {
  rule: Rule<unknown, unknown>["meta"];
  at: At;
  message?: string;
}

/**
 * Runs `rules` on one target, records which checks were evaluated (the target was one
 * they are about) and returns their failures.
 */
export function runRules<T, At>(
  rules: readonly Rule<T, At>[],
  target: T,
  evaluated: Set<string>,
  disabled?: ReadonlySet<string>,
): Hit<At>[] {
  const hits: Hit<At>[] = [];
  for (const rule of rules) {
    if (disabled?.has(rule.meta.id)) continue;
    if (rule.appliesTo && !rule.appliesTo(target)) continue;
    evaluated.add(rule.meta.id);
    rule.check(target, (at, message) => hits.push({ rule: rule.meta, at, message }));
  }
  return hits;
}

/** Builds a mapping record without empty entries. */
export function mapIds(m: {
  cisDocker?: string[];
  cisK8s?: string[];
  nsa?: string[];
  nist?: string[];
  trivy?: string[];
  kubescape?: string[];
  checkov?: string[];
  hadolint?: string[];
}): Rule<unknown, unknown>["meta"]["mappings"] {
  const out: Rule<unknown, unknown>["meta"]["mappings"] = {};
  if (m.cisDocker?.length) out["cis-docker"] = m.cisDocker;
  if (m.cisK8s?.length) out["cis-kubernetes"] = m.cisK8s;
  if (m.nsa?.length) out["nsa-cisa"] = m.nsa;
  if (m.nist?.length) out["nist-800-190"] = m.nist;
  if (m.trivy?.length) out.trivy = m.trivy;
  if (m.kubescape?.length) out.kubescape = m.kubescape;
  if (m.checkov?.length) out.checkov = m.checkov;
  if (m.hadolint?.length) out.hadolint = m.hadolint;
  return out;
}

/** Secret-looking variable or key names (PASSWORD, API_KEY, …). */
export const SECRET_NAME =
  /(^|[_.-])(pass(word|wd)?|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|credentials?|auth[_.-]?token|client[_.-]?secret)($|[_.-])/i;

/**
 * `<purpose>_KEY` names that hold key material (SIGNING_KEY, STRIPE_KEY, JWT_KEY, …); a bare
 * `_KEY` suffix is too broad (CACHE_KEY, SORT_KEY, PRIMARY_KEY).
 */
const SECRET_KEY_NAME =
  /(^|[_.-])(signing|encryption|encrypt|decrypt|master|secret|private|priv|session|jwt|hmac|ssh|gpg|pgp|license|licence|stripe|sendgrid|twilio|mailgun|openai|anthropic|github|gitlab|slack|datadog|dd|sentry|aws|gcp|azure|cookie|crypto|app|service|webhook|sign)[_.-]?key$/i;

/** A secret-looking name that is not a pointer to one (DB_PASSWORD_FILE, TOKEN_PATH, …). */
export function isSecretName(name: string): boolean {
  return (
    (SECRET_NAME.test(name) || SECRET_KEY_NAME.test(name)) &&
    !/[_.-](file|path|dir|enabled|disabled|length|ttl|expiry|id|name)$/i.test(name)
  );
}

/** Literal values that are clearly placeholders or references, not secrets. */
export function looksLikePlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === "" ||
    /^\$[{(]?\w/.test(v) ||
    /^<.*>$/.test(v) ||
    /^(changeme|none|null|false|true)$/i.test(v) ||
    looksLikeFilePath(v)
  );
}

/** A value that points at a file (GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/key.json) is not the secret. */
export function looksLikeFilePath(v: string): boolean {
  return /^(\/|~\/|\.{1,2}\/|file:\/\/)[^\s:;]*$/.test(v) || /^[A-Za-z]:\\[^\s;]*$/.test(v);
}

/** A check's catalogue entry as the newer Kubernetes families write it: peer ids beside the text. */
export interface PeerMeta {
  id: string;
  title: string;
  severity: Severity;
  why: string;
  remediation: string;
  cis?: string[];
  trivy?: string[];
  kubescape?: string[];
  checkov?: string[];
  nsa?: string;
  nist?: string;
}

/** The CheckMeta of a PeerMeta; NSA and NIST fall back to the family's defaults. */
export function peerCheckMeta(
  m: PeerMeta,
  family: Family,
  defaults: { nsa: string; nist: string },
): CheckMeta {
  return {
    id: m.id,
    family,
    title: m.title,
    severity: m.severity,
    why: m.why,
    remediation: m.remediation,
    mappings: mapIds({
      cisK8s: m.cis,
      nsa: [m.nsa ?? defaults.nsa],
      nist: [m.nist ?? defaults.nist],
      trivy: m.trivy,
      kubescape: m.kubescape,
      checkov: m.checkov,
    }),
  };
}
