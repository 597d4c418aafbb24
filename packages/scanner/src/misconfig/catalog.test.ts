import { describe, expect, it } from "vitest";
import { SEVERITIES } from "../../../model/src/finding.js";
import { catalog } from "./catalog.js";
import { FAMILIES, MAPPING_KEYS } from "./types.js";

const PEER_ID: Record<string, RegExp> = {
  trivy: /^(KSV\d{3}|DS\d{3}|KCV\d{4})$/,
  kubescape: /^C-\d{4}$/,
  checkov: /^CKV2?_(K8S|DOCKER)_\d+$/,
  hadolint: /^(DL|SC)\d{4}$/,
  "cis-kubernetes": /^\d+(\.\d+){1,3}$/,
  "cis-docker": /^\d+\.\d+$/,
  "nist-800-190": /^4\.\d\.\d$/,
  "nsa-cisa": /^(Pod security|Network separation|Authentication and authorization): /,
};

describe("check catalog", () => {
  const checks = catalog();

  it("has at least 60 checks with unique, stable ids per family", () => {
    expect(checks.length).toBeGreaterThanOrEqual(60);
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    const prefix = {
      kubernetes: "K8S",
      workload: "WL",
      network: "NET",
      controlplane: "CP",
      rbac: "RBAC",
      dockerfile: "DF",
      compose: "COMPOSE",
      image: "IMG",
      host: "HOST",
    };
    for (const c of checks) expect(c.id).toMatch(new RegExp(`^BW-${prefix[c.family]}-\\d{3}$`));
    for (const f of FAMILIES) expect(checks.some((c) => c.family === f)).toBe(true);
  });

  it("gives every check a title, severity, why, remediation and well-formed mappings", () => {
    for (const c of checks) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(SEVERITIES).toContain(c.severity);
      expect(c.why.length, c.id).toBeGreaterThan(40);
      expect(c.remediation.length, c.id).toBeGreaterThan(15);
      expect(Object.keys(c.mappings).length, c.id).toBeGreaterThan(0);
      for (const [key, ids] of Object.entries(c.mappings)) {
        expect(MAPPING_KEYS).toContain(key);
        for (const id of ids) expect(id, `${c.id} ${key}`).toMatch(PEER_ID[key]!);
      }
    }
  });
});
