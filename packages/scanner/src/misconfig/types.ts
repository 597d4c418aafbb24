import type { Severity } from "@bulwark/model";

/** One folder per family; the catalog lists them in this order. */
export const FAMILIES = [
  "kubernetes",
  "workload",
  "network",
  "rbac",
  "controlplane",
  "dockerfile",
  "compose",
  "image",
  "host",
] as const;
export type Family = (typeof FAMILIES)[number];

/** Framework and peer-tool keys used in `mappings` (also the `--compliance` names). */
export const MAPPING_KEYS = [
  "cis-docker",
  "cis-kubernetes",
  "nsa-cisa",
  "nist-800-190",
  "trivy",
  "kubescape",
  "checkov",
  "hadolint",
] as const;
export type MappingKey = (typeof MAPPING_KEYS)[number];
export type Mappings = Partial<Record<MappingKey, string[]>>;

/** Catalog entry: everything a user needs to understand and fix one check. */
export interface CheckMeta {
  id: string;
  family: Family;
  title: string;
  severity: Severity;
  /** The attack the setting enables. */
  why: string;
  remediation: string;
  mappings: Mappings;
}

/**
 * A check over one kind of object. `appliesTo` decides whether the object is one the
 * check is about (it then counts as evaluated for compliance); `check` reports failures.
 */
export interface Rule<T, At> {
  meta: CheckMeta;
  appliesTo?(target: T): boolean;
  check(target: T, report: (at: At, message?: string) => void): void;
}

export interface ResourceRef {
  kind: string;
  namespace?: string;
  name: string;
}
