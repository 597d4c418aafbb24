import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog.js";
import type { ComplianceReport } from "@bulwark/model";
import { scanHostRoot, type HostComponent } from "../host/scan.js";
import { scanFiles, type MisconfigResult } from "../testutil/helpers.js";

/**
 * Control plane static Pods and a KubeletConfiguration as kubeadm lays them out
 * (hand-written: no cluster runs here to produce them), hardened per CIS. Each check gets
 * the hardened file (passes) and the same file with one flag or field changed (fails).
 */
const testdata = join(import.meta.dirname, "testdata");
const read = (f: string): string => readFileSync(join(testdata, f), "utf8");

type Edit = { file: string; set?: string[]; drop?: string[]; replace?: [string, string] };
const API = "kube-apiserver.yaml";
const CM = "kube-controller-manager.yaml";
const SCHED = "kube-scheduler.yaml";
const ETCD = "etcd.yaml";
const KUBELET = "kubelet-config.yaml";

const CASES: Record<string, Edit> = {
  "BW-CP-001": { file: API, drop: ["anonymous-auth"] },
  "BW-CP-002": { file: API, set: ["--token-auth-file=/etc/kubernetes/tokens.csv"] },
  "BW-CP-003": { file: API, set: ["--basic-auth-file=/etc/kubernetes/basic.csv"] },
  "BW-CP-004": {
    file: API,
    set: ["--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages"],
  },
  "BW-CP-005": { file: API, drop: ["kubelet-client-key"] },
  "BW-CP-006": { file: API, drop: ["kubelet-certificate-authority"] },
  "BW-CP-007": { file: API, drop: ["authorization-mode"] },
  "BW-CP-008": { file: API, set: ["--authorization-mode=RBAC"] },
  "BW-CP-009": { file: API, set: ["--authorization-mode=Node,Webhook"] },
  "BW-CP-010": {
    file: API,
    set: ["--enable-admission-plugins=NodeRestriction,AlwaysPullImages,DenyServiceExternalIPs"],
  },
  "BW-CP-011": {
    file: API,
    set: [
      "--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs,AlwaysAdmit",
    ],
  },
  "BW-CP-012": {
    file: API,
    set: ["--enable-admission-plugins=NodeRestriction,EventRateLimit,DenyServiceExternalIPs"],
  },
  "BW-CP-013": { file: API, set: ["--disable-admission-plugins=ServiceAccount"] },
  "BW-CP-014": { file: API, set: ["--disable-admission-plugins=NamespaceLifecycle"] },
  "BW-CP-015": {
    file: API,
    set: ["--enable-admission-plugins=EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs"],
  },
  "BW-CP-016": { file: API, set: ["--insecure-port=8080"] },
  "BW-CP-017": { file: API, set: ["--insecure-bind-address=0.0.0.0"] },
  "BW-CP-018": { file: API, set: ["--secure-port=0"] },
  "BW-CP-019": { file: API, set: ["--profiling=true"] },
  "BW-CP-020": { file: API, drop: ["audit-log-path"] },
  "BW-CP-021": { file: API, set: ["--audit-log-maxage=7"] },
  "BW-CP-022": { file: API, drop: ["audit-log-maxbackup"] },
  "BW-CP-023": { file: API, set: ["--audit-log-maxsize=10"] },
  "BW-CP-024": { file: API, drop: ["audit-policy-file"] },
  "BW-CP-025": { file: API, set: ["--request-timeout=1h"] },
  "BW-CP-026": { file: API, set: ["--service-account-lookup=false"] },
  "BW-CP-027": { file: API, drop: ["service-account-key-file"] },
  "BW-CP-028": { file: API, drop: ["etcd-certfile"] },
  "BW-CP-029": { file: API, drop: ["tls-private-key-file"] },
  "BW-CP-030": { file: API, drop: ["client-ca-file"] },
  "BW-CP-031": { file: API, drop: ["etcd-cafile"] },
  "BW-CP-032": { file: API, drop: ["encryption-provider-config"] },
  "BW-CP-033": {
    file: API,
    set: ["--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
  },
  "BW-CP-034": { file: API, set: ["--kubelet-https=false"] },
  "BW-CP-040": { file: CM, drop: ["terminated-pod-gc-threshold"] },
  "BW-CP-041": { file: CM, drop: ["profiling"] },
  "BW-CP-042": { file: CM, drop: ["use-service-account-credentials"] },
  "BW-CP-043": { file: CM, drop: ["service-account-private-key-file"] },
  "BW-CP-044": { file: CM, drop: ["root-ca-file"] },
  "BW-CP-045": { file: CM, set: ["--feature-gates=RotateKubeletServerCertificate=false"] },
  "BW-CP-046": { file: CM, set: ["--bind-address=0.0.0.0"] },
  "BW-CP-050": { file: SCHED, set: ["--profiling=true"] },
  "BW-CP-051": { file: SCHED, drop: ["bind-address"] },
  "BW-CP-060": { file: ETCD, drop: ["cert-file"] },
  "BW-CP-061": { file: ETCD, drop: ["client-cert-auth"] },
  "BW-CP-062": { file: ETCD, set: ["--auto-tls=true"] },
  "BW-CP-063": { file: ETCD, drop: ["peer-key-file"] },
  "BW-CP-064": { file: ETCD, set: ["--peer-client-cert-auth=false"] },
  "BW-CP-065": { file: ETCD, set: ["--peer-auto-tls=true"] },
  "BW-CP-066": { file: ETCD, set: ["--listen-client-urls=http://0.0.0.0:2379"] },
  "BW-CP-070": { file: KUBELET, replace: ["enabled: false", "enabled: true"] },
  "BW-CP-071": { file: KUBELET, replace: ["mode: Webhook", "mode: AlwaysAllow"] },
  "BW-CP-072": { file: KUBELET, replace: ["    clientCAFile: /etc/kubernetes/pki/ca.crt\n", ""] },
  "BW-CP-073": { file: KUBELET, replace: ["readOnlyPort: 0", "readOnlyPort: 10255"] },
  "BW-CP-074": {
    file: KUBELET,
    replace: ["streamingConnectionIdleTimeout: 5m", "streamingConnectionIdleTimeout: 0s"],
  },
  "BW-CP-075": { file: KUBELET, replace: ["protectKernelDefaults: true\n", ""] },
  "BW-CP-076": {
    file: KUBELET,
    replace: ["readOnlyPort: 0", "readOnlyPort: 0\nmakeIPTablesUtilChains: false"],
  },
  "BW-CP-077": { file: KUBELET, replace: ["eventRecordQPS: 50", "eventRecordQPS: 0"] },
  "BW-CP-078": { file: KUBELET, replace: ["serverTLSBootstrap: true\n", ""] },
  "BW-CP-079": { file: KUBELET, replace: ["rotateCertificates: true", "rotateCertificates: false"] },
  "BW-CP-080": {
    file: KUBELET,
    replace: ["readOnlyPort: 0", "readOnlyPort: 0\nfeatureGates:\n  RotateKubeletServerCertificate: false"],
  },
  "BW-CP-081": {
    file: KUBELET,
    replace: ["- TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "- TLS_RSA_WITH_3DES_EDE_CBC_SHA"],
  },
};

/** Applies one edit the way an operator would: change, add or remove a flag line. */
function edited(e: Edit): string {
  let text = read(e.file);
  for (const name of e.drop ?? []) text = text.replace(new RegExp(`^\\s*- --${name}(=.*)?\\n`, "m"), "");
  for (const flag of e.set ?? []) {
    const name = flag.split("=")[0]!;
    const line = new RegExp(`^(\\s*- )${name}=.*$`, "m");
    text = line.test(text)
      ? text.replace(line, `$1${flag}`)
      : text.replace(/^(\s*- )(kube-\S+|etcd)$/m, `$1$2\n$1${flag}`);
  }
  if (e.replace) {
    expect(text, e.replace[0]).toContain(e.replace[0]);
    text = text.replace(e.replace[0], e.replace[1]);
  }
  return text;
}

const cp = (r: MisconfigResult): string[] =>
  r.findings.filter((f) => f.id.startsWith("BW-CP-")).map((f) => f.id);

describe("control plane and node checks", () => {
  it("cover every control plane check of the catalog with a failing case", () => {
    const ids = catalog()
      .filter((c) => c.family === "controlplane")
      .map((c) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(55);
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
    for (const c of catalog().filter((x) => x.family === "controlplane"))
      expect(c.mappings["cis-kubernetes"]?.length ?? c.mappings.trivy?.length, c.id).toBeTruthy();
  });

  it("give the hardened kubeadm manifests and kubelet config no finding", async () => {
    const files = Object.fromEntries([API, CM, SCHED, ETCD, KUBELET].map((f) => [f, read(f)]));
    const r = await scanFiles(files);
    expect(cp(r)).toEqual([]);
    expect(r.issues ?? []).toEqual([]);
  });

  for (const [id, edit] of Object.entries(CASES))
    it(`${id} fails on ${edit.file} with ${JSON.stringify(edit.set ?? edit.drop ?? edit.replace)}`, async () => {
      const r = await scanFiles({ [edit.file]: edited(edit) });
      expect(cp(r)).toContain(id);
    });

  it("reads flags written as separate words and in args, and reports at the flag's line", async () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: kube-apiserver, namespace: kube-system }
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.4
    command: ["/usr/local/bin/kube-apiserver"]
    args:
    - --authorization-mode
    - AlwaysAllow
`;
    const r = await scanFiles({ "api.yaml": text });
    const f = r.findings.find((x) => x.id === "BW-CP-007");
    expect(f?.line).toBe(10);
    expect(f?.message).toContain("AlwaysAllow");
  });

  it("leaves ordinary workloads alone", async () => {
    const r = await scanFiles({
      "app.yaml":
        'apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    args: ["--profiling=true"]\n',
    });
    expect(cp(r)).toEqual([]);
  });
});

describe("CIS Kubernetes compliance over control plane manifests", () => {
  it("passes the hardened controls and fails 1.2.1 when anonymous auth is on, with titles", async () => {
    const r = await scanFiles(
      { [API]: edited({ file: API, drop: ["anonymous-auth"] }), [ETCD]: read(ETCD) },
      { compliance: "cis-kubernetes" },
    );
    const c = r.summary!.compliance as ComplianceReport;
    const control = (id: string) => c.controls.find((x) => x.id === id);
    expect(control("1.2.1")).toMatchObject({
      status: "fail",
      failed: ["BW-CP-001"],
      title: "API server anonymous auth disabled",
    });
    expect(control("1.2.6")).toMatchObject({ status: "pass" });
    expect(control("2.2")).toMatchObject({ status: "pass", title: "etcd client certificate auth enabled" });
  });
});

describe("scan host: static Pod manifests", () => {
  it("checks /etc/kubernetes/manifests under the root and names the host file", async () => {
    const root = mkdtempSync(join(tmpdir(), "bulwark-cp-host-"));
    try {
      mkdirSync(join(root, "etc/kubernetes/manifests"), { recursive: true });
      writeFileSync(
        join(root, "etc/kubernetes/manifests/kube-apiserver.yaml"),
        edited({ file: API, drop: ["anonymous-auth"] }),
      );
      writeFileSync(join(root, "etc/kubernetes/manifests/etcd.yaml"), read(ETCD));
      const r = await scanHostRoot(root, { cacheDir: root, scanners: ["misconfig"] });
      const cpFindings = r.findings.filter((f) => f.id.startsWith("BW-CP-"));
      expect(cpFindings.map((f) => [f.id, "file" in f ? f.file : ""])).toEqual([
        ["BW-CP-001", "/etc/kubernetes/manifests/kube-apiserver.yaml"],
      ]);
      const comps = r.summary!.hostComponents as HostComponent[];
      expect(comps.find((c) => c.name === "control-plane")?.status).toBe("checked");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
