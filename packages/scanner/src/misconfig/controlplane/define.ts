import { NIST, NSA } from "../frameworks.js";
import type { K8sObject } from "../kubernetes/objects.js";
import { mapIds } from "../rules.js";
import type { Severity } from "@bulwark/model";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { componentOf, listFlag, type Component, type ComponentFlags } from "./flags.js";

export type CpRule = Rule<K8sObject, Path>;

/** One flag check: returns why the component's flags fail it, or undefined. */
export type FlagTest = (f: ComponentFlags) => { why?: string; at?: string } | undefined;

export interface FlagCheck {
  id: string;
  component: Component;
  title: string;
  severity: Severity;
  why: string;
  remediation: string;
  cis?: string;
  trivy?: string;
  kubescape?: string;
  checkov?: string;
  test: FlagTest;
}

export function flagRule(c: FlagCheck): CpRule {
  const meta: CheckMeta = {
    id: c.id,
    family: "controlplane",
    title: c.title,
    severity: c.severity,
    why: c.why,
    remediation: c.remediation,
    mappings: mapIds({
      cisK8s: c.cis ? [c.cis] : [],
      nsa: [NSA.controlPlane],
      nist: [NIST.orchAdmin],
      trivy: c.trivy ? [c.trivy] : [],
      kubescape: c.kubescape ? [c.kubescape] : [],
      checkov: c.checkov ? [c.checkov] : [],
    }),
  };
  return {
    meta,
    appliesTo: (o) => componentOf(o)?.component === c.component,
    check: (o, report) => {
      const f = componentOf(o)!;
      const failed = c.test(f);
      if (!failed) return;
      const at = failed.at ? f.flags.get(failed.at)?.path : undefined;
      report(at ?? f.path, failed.why);
    },
  };
}

// Small vocabulary for flag tests; each names the flag it reports at.
const value = (f: ComponentFlags, name: string): string | undefined => f.flags.get(name)?.value;

/** Fails unless the flag is set to one of `good` (absent counts as `dflt`). */
export const mustBe =
  (name: string, good: string[], dflt?: string): FlagTest =>
  (f) => {
    const v = value(f, name) ?? dflt;
    return v !== undefined && good.includes(v.toLowerCase())
      ? undefined
      : { why: `--${name}=${v ?? "(unset)"}`, at: name };
  };
/** Fails when the flag is set to one of `bad` (absent counts as `dflt`). */
export const mustNotBe =
  (name: string, bad: string[], dflt?: string): FlagTest =>
  (f) => {
    const v = value(f, name) ?? dflt;
    return v !== undefined && bad.includes(v.toLowerCase()) ? { why: `--${name}=${v}`, at: name } : undefined;
  };
/** Fails unless every flag is set to a non-empty value. */
export const required =
  (...names: string[]): FlagTest =>
  (f) => {
    const missing = names.filter((n) => !value(f, n));
    return missing.length ? { why: `missing ${missing.map((n) => `--${n}`).join(", ")}` } : undefined;
  };
/** Fails when the flag is set at all. */
export const absent =
  (name: string): FlagTest =>
  (f) =>
    f.flags.has(name) ? { why: `--${name} is set`, at: name } : undefined;
/** Fails unless the numeric flag is at least `min`. */
export const atLeast =
  (name: string, min: number): FlagTest =>
  (f) => {
    const v = Number(value(f, name));
    return Number.isFinite(v) && v >= min
      ? undefined
      : { why: `--${name}=${value(f, name) ?? "(unset)"} (want ≥ ${min})`, at: name };
  };
/** Fails unless the list flag contains `item`. */
export const listHas =
  (name: string, item: string): FlagTest =>
  (f) =>
    listFlag(f, name).includes(item) ? undefined : { why: `--${name} lacks ${item}`, at: name };
/** Fails when the list flag contains `item`. */
export const listLacks =
  (name: string, item: string): FlagTest =>
  (f) =>
    listFlag(f, name).includes(item) ? { why: `--${name} has ${item}`, at: name } : undefined;

/** TLS cipher suites that CIS accepts (AEAD with forward secrecy). */
export const STRONG_CIPHERS = new Set([
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
]);

export const strongCiphers =
  (name: string): FlagTest =>
  (f) => {
    const list = listFlag(f, name);
    if (!list.length) return { why: `--${name} not set (Go's defaults include CBC suites)` };
    const weak = list.filter((c) => !STRONG_CIPHERS.has(c));
    return weak.length ? { why: `weak: ${weak.join(", ")}`, at: name } : undefined;
  };
