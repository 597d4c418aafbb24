import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { MisconfigFinding } from "../../../model/src/finding.js";
import type { ScanOptions } from "../../../model/src/scan-options.js";
import { catalog } from "./catalog.js";
import { dockerfileHygieneRules } from "./dockerfile-hygiene/index.js";
import { rbacGrantRules } from "./rbac-grants/index.js";
import { scanConfigPath } from "./engine.js";

// Hand-written manifests and Dockerfiles: these are the formats users write themselves,
// so there is no real component that produces them; each case follows a check's documented behaviour.
const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, "testdata");
const options: ScanOptions = {
  cacheDir: "/nonexistent-cache",
  scanners: ["misconfig"],
  allowedRegistries: ["registry.example.com"],
};

function idsByFile(findings: readonly MisconfigFinding[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const f of findings) (out[f.file] ??= new Set()).add(f.id);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

const range = (prefix: string, nums: number[]): string[] =>
  nums.map((n) => `${prefix}-${String(n).padStart(3, "0")}`);

describe("scan config on a hardened manifest set", () => {
  it("produces zero findings, issues and warnings", async () => {
    const r = await scanConfigPath(join(testdata, "hardened"), options);
    expect(r.findings).toEqual([]);
    expect(r.issues).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.summary?.misconfigFiles).toBe(7);
    // The checks did run: most of the catalog for these families was evaluated.
    expect(r.summary?.misconfigChecksEvaluated).toBeGreaterThan(50);
  });
});

describe("scan config on an insecure manifest set", () => {
  it("trips exactly the expected checks in each file", async () => {
    const r = await scanConfigPath(join(testdata, "insecure"), options);
    expect(r.issues).toEqual([]);
    const k8sWorkload = range(
      "BW-K8S",
      [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29,
        30, 33, 34, 35, 36, 37,
      ],
    );
    // Issue 17 families also fire here: ephemeral storage (WL-009/010), port 22 (WL-008),
    // the writable docker.sock mount (WL-011), the AppArmor annotation (WL-017), the
    // "*" role (RBAC-015), apt hygiene (DF-024/025) and pipes without pipefail (DF-037).
    const expected: Record<string, string[]> = {
      "workloads.yaml": [...k8sWorkload, ...range("BW-WL", [8, 9, 10, 11, 17])],
      "cronjob.yaml": [
        ...range("BW-K8S", [2, 3, 5, 7, 9, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 30]),
        ...range("BW-WL", [9, 10]),
        "BW-NET-011", // the default namespace has no policy (reported once, at its first workload)
      ],
      "service.yaml": range("BW-K8S", [31, 32]),
      "configmap.yaml": range("BW-K8S", [28]),
      "rbac.yaml": range("BW-RBAC", [1, 2, 3, 4, 5, 6, 7, 8, 9, 15]),
      Dockerfile: range("BW-DF", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 24, 25, 37]),
      "docker-compose.yml": range("BW-COMPOSE", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    };
    const sorted = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [...v].sort()]));
    expect(idsByFile(r.findings as MisconfigFinding[])).toEqual(sorted);
  });

  it("covers every Kubernetes, RBAC, Dockerfile and Compose check in the catalog", async () => {
    const r = await scanConfigPath(join(testdata, "insecure"), options);
    const fired = new Set(r.findings.map((f) => f.id));
    const families = new Set(["kubernetes", "rbac", "dockerfile", "compose"]);
    // Checks added by issue 17 have a failing and a passing file each in their own family's
    // test (rbac-grants, dockerfile-hygiene, workload, network, controlplane).
    const ownTables = new Set([...rbacGrantRules, ...dockerfileHygieneRules].map((r) => r.meta.id));
    const all = catalog()
      .filter((c) => families.has(c.family) && !ownTables.has(c.id))
      .map((c) => c.id);
    expect(all.filter((id) => !fired.has(id))).toEqual([]);
  });

  it("reports the file, 1-based line, resource, remediation and mappings", async () => {
    const r = await scanConfigPath(join(testdata, "insecure"), options);
    const text = readFileSync(join(testdata, "insecure", "workloads.yaml"), "utf8").split("\n");
    const lineOf = (needle: string): number => text.findIndex((l) => l.includes(needle)) + 1;
    const f = r.findings.find((x) => x.id === "BW-K8S-001") as MisconfigFinding;
    expect(f).toMatchObject({
      kind: "misconfiguration",
      severity: "HIGH",
      file: "workloads.yaml",
      line: lineOf("privileged: true"),
      resource: { kind: "Deployment", namespace: "default", name: "legacy-admin" },
    });
    expect(f.remediation).toMatch(/privileged/);
    expect(f.mappings).toMatchObject({
      trivy: ["KSV017"],
      checkov: ["CKV_K8S_16"],
      "cis-kubernetes": ["5.2.2"],
    });
    const sock = r.findings.find((x) => x.id === "BW-K8S-014") as MisconfigFinding;
    expect(sock.line).toBe(lineOf("path: /var/run/docker.sock"));
    const df = r.findings.find((x) => x.id === "BW-DF-006") as MisconfigFinding;
    const dockerfile = readFileSync(join(testdata, "insecure", "Dockerfile"), "utf8").split("\n");
    expect(df.line).toBe(dockerfile.findIndex((l) => l.includes("| bash")) + 1);
    const crb = r.findings.find((x) => x.id === "BW-RBAC-002") as MisconfigFinding;
    expect(crb.resource).toEqual({ kind: "ClusterRoleBinding", name: "ops-admin" });
  });
});

describe("JSON report shape", () => {
  it("serialises findings with exactly the documented fields", async () => {
    const r = await scanConfigPath(join(testdata, "insecure", "service.yaml"), options);
    const json = JSON.parse(JSON.stringify(r.findings)) as Array<Record<string, unknown>>;
    expect(json[0]).toEqual({
      kind: "misconfiguration",
      id: "BW-K8S-031",
      severity: "LOW",
      title: "Service is exposed outside the cluster (NodePort or LoadBalancer)",
      file: join(testdata, "insecure", "service.yaml"),
      line: 7,
      resource: { kind: "Service", namespace: "default", name: "legacy-admin-ssh" },
      message: "type NodePort",
      remediation: expect.any(String),
      mappings: { "nsa-cisa": ["Network separation: network policies"], "nist-800-190": ["4.3.3"] },
    });
  });
});
