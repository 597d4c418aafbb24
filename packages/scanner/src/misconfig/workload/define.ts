import type { Severity } from "@bulwark/model";
import { NIST, NSA } from "../frameworks.js";
import { mapIds } from "../rules.js";
import type { CheckMeta } from "../types.js";

export interface WorkloadMeta {
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

export function meta(m: WorkloadMeta, family: "workload" | "network" = "workload"): CheckMeta {
  return {
    id: m.id,
    family,
    title: m.title,
    severity: m.severity,
    why: m.why,
    remediation: m.remediation,
    mappings: mapIds({
      cisK8s: m.cis,
      nsa: [m.nsa ?? NSA.podSecurity],
      nist: [m.nist ?? NIST.ctrRuntimeConfig],
      trivy: m.trivy,
      kubescape: m.kubescape,
      checkov: m.checkov,
    }),
  };
}
