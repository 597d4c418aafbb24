import { NIST, NSA } from "../frameworks.js";
import { asArr, asObj, type K8sObject, type Obj } from "../kubernetes/objects.js";
import { mapIds } from "../rules.js";
import type { Severity } from "@bulwark/model";
import type { Path } from "../yaml-source.js";
import { STRONG_CIPHERS, type CpRule } from "./define.js";

/**
 * KubeletConfiguration files (kubelet.config.k8s.io, `--config`), CIS section 4.2. Defaults
 * are the kubelet's own when a field is absent from the file.
 */
interface KubeletCheck {
  id: string;
  title: string;
  severity: Severity;
  why: string;
  remediation: string;
  cis: string;
  trivy?: string;
  kubescape: string;
  checkov?: string;
  /** Returns the failing field path (relative to the object) and a message, or undefined. */
  test(cfg: Obj): { at: string[]; why: string } | undefined;
}

const get = (cfg: Obj, path: string[]): unknown => {
  let v: unknown = cfg;
  for (const k of path) v = asObj(v)?.[k];
  return v;
};

function kubeletRule(c: KubeletCheck): CpRule {
  return {
    meta: {
      id: c.id,
      family: "controlplane",
      title: c.title,
      severity: c.severity,
      why: c.why,
      remediation: c.remediation,
      mappings: mapIds({
        cisK8s: [c.cis],
        nsa: [NSA.workerNodes],
        nist: [NIST.orchNodeTrust],
        trivy: c.trivy ? [c.trivy] : [],
        kubescape: [c.kubescape],
        checkov: c.checkov ? [c.checkov] : [],
      }),
    },
    appliesTo: (o: K8sObject) => o.kind === "KubeletConfiguration",
    check: (o, report) => {
      const failed = c.test(o.value);
      if (!failed) return;
      // Report at the deepest part of the field that exists.
      const at: Path = [...o.path, ...failed.at];
      report(at, failed.why);
    },
  };
}

export const kubeletConfigRules: CpRule[] = [
  kubeletRule({
    id: "BW-CP-070",
    title: "Kubelet config allows anonymous requests",
    severity: "CRITICAL",
    why: "Anonymous access to the kubelet API (on by default) lets anyone who reaches port 10250 list pods and, with weak authorization, exec into them.",
    remediation: "Set authentication.anonymous.enabled: false.",
    cis: "4.2.1",
    trivy: "KCV0079",
    kubescape: "C-0172",
    checkov: "CKV_K8S_138",
    test: (cfg) =>
      get(cfg, ["authentication", "anonymous", "enabled"]) === false
        ? undefined
        : { at: ["authentication", "anonymous", "enabled"], why: "anonymous auth not disabled" },
  }),
  kubeletRule({
    id: "BW-CP-071",
    title: "Kubelet config authorizes every request (AlwaysAllow)",
    severity: "CRITICAL",
    why: "authorization.mode AlwaysAllow lets any authenticated caller exec into every pod on the node.",
    remediation: "Set authorization.mode: Webhook.",
    cis: "4.2.2",
    trivy: "KCV0080",
    kubescape: "C-0173",
    checkov: "CKV_K8S_139",
    test: (cfg) =>
      get(cfg, ["authorization", "mode"]) === "AlwaysAllow"
        ? { at: ["authorization", "mode"], why: "AlwaysAllow" }
        : undefined,
  }),
  kubeletRule({
    id: "BW-CP-072",
    title: "Kubelet config has no client CA file",
    severity: "HIGH",
    why: "Without authentication.x509.clientCAFile the kubelet cannot verify the API server's client certificate.",
    remediation: "Set authentication.x509.clientCAFile to the cluster CA.",
    cis: "4.2.3",
    trivy: "KCV0081",
    kubescape: "C-0174",
    checkov: "CKV_K8S_140",
    test: (cfg) =>
      get(cfg, ["authentication", "x509", "clientCAFile"])
        ? undefined
        : { at: ["authentication", "x509"], why: "clientCAFile not set" },
  }),
  kubeletRule({
    id: "BW-CP-073",
    title: "Kubelet config opens the read-only port",
    severity: "MEDIUM",
    why: "The read-only port serves pod specs and metrics without authentication.",
    remediation: "Set readOnlyPort: 0.",
    cis: "4.2.4",
    trivy: "KCV0082",
    kubescape: "C-0175",
    checkov: "CKV_K8S_141",
    test: (cfg) => {
      const v = get(cfg, ["readOnlyPort"]);
      return v !== undefined && v !== 0
        ? { at: ["readOnlyPort"], why: `readOnlyPort ${String(v)}` }
        : undefined;
    },
  }),
  kubeletRule({
    id: "BW-CP-074",
    title: "Kubelet streaming connections never time out",
    severity: "LOW",
    why: "streamingConnectionIdleTimeout 0 keeps idle exec and port-forward sessions open forever.",
    remediation: "Set streamingConnectionIdleTimeout to a non-zero duration (for example 5m).",
    cis: "4.2.5",
    trivy: "KCV0085",
    kubescape: "C-0176",
    checkov: "CKV_K8S_143",
    test: (cfg) => {
      const v = get(cfg, ["streamingConnectionIdleTimeout"]);
      return v === 0 || v === "0" || v === "0s"
        ? { at: ["streamingConnectionIdleTimeout"], why: `${String(v)}` }
        : undefined;
    },
  }),
  kubeletRule({
    id: "BW-CP-075",
    title: "Kubelet does not protect kernel defaults",
    severity: "LOW",
    why: "Without protectKernelDefaults the kubelet silently changes kernel tunables instead of refusing to start with unexpected ones.",
    remediation: "Set protectKernelDefaults: true.",
    cis: "4.2.6",
    trivy: "KCV0083",
    kubescape: "C-0177",
    checkov: "CKV_K8S_144",
    test: (cfg) =>
      get(cfg, ["protectKernelDefaults"]) === true
        ? undefined
        : { at: ["protectKernelDefaults"], why: "protectKernelDefaults not true" },
  }),
  kubeletRule({
    id: "BW-CP-076",
    title: "Kubelet does not manage iptables chains",
    severity: "LOW",
    why: "With makeIPTablesUtilChains false the node's iptables rules drift from what pod networking expects.",
    remediation: "Remove makeIPTablesUtilChains: false (the default is true).",
    cis: "4.2.7",
    trivy: "KCV0084",
    kubescape: "C-0178",
    checkov: "CKV_K8S_145",
    test: (cfg) =>
      get(cfg, ["makeIPTablesUtilChains"]) === false
        ? { at: ["makeIPTablesUtilChains"], why: "false" }
        : undefined,
  }),
  kubeletRule({
    id: "BW-CP-077",
    title: "Kubelet event recording is unlimited",
    severity: "LOW",
    why: "eventRecordQPS 0 removes the rate limit on events, so a misbehaving pod can flood the API server.",
    remediation: "Leave eventRecordQPS at its default (50) or another positive value.",
    cis: "4.2.9",
    trivy: "KCV0086",
    kubescape: "C-0180",
    checkov: "CKV_K8S_147",
    test: (cfg) => (get(cfg, ["eventRecordQPS"]) === 0 ? { at: ["eventRecordQPS"], why: "0" } : undefined),
  }),
  kubeletRule({
    id: "BW-CP-078",
    title: "Kubelet has no TLS serving certificate",
    severity: "MEDIUM",
    why: "Without tlsCertFile/tlsPrivateKeyFile (or serverTLSBootstrap) the kubelet serves a self-signed certificate nobody can verify.",
    remediation: "Set tlsCertFile and tlsPrivateKeyFile, or serverTLSBootstrap: true.",
    cis: "4.2.10",
    trivy: "KCV0088",
    kubescape: "C-0181",
    checkov: "CKV_K8S_148",
    test: (cfg) =>
      (get(cfg, ["tlsCertFile"]) && get(cfg, ["tlsPrivateKeyFile"])) ||
      get(cfg, ["serverTLSBootstrap"]) === true
        ? undefined
        : { at: [], why: "no serving certificate and no serverTLSBootstrap" },
  }),
  kubeletRule({
    id: "BW-CP-079",
    title: "Kubelet client certificate rotation is off",
    severity: "MEDIUM",
    why: "With rotateCertificates false the kubelet's client certificate is never renewed and expires or stays compromised.",
    remediation: "Remove rotateCertificates: false.",
    cis: "4.2.11",
    trivy: "KCV0089",
    kubescape: "C-0182",
    checkov: "CKV_K8S_149",
    test: (cfg) =>
      get(cfg, ["rotateCertificates"]) === false ? { at: ["rotateCertificates"], why: "false" } : undefined,
  }),
  kubeletRule({
    id: "BW-CP-080",
    title: "Kubelet serving certificate rotation is off",
    severity: "MEDIUM",
    why: "With the RotateKubeletServerCertificate gate off the serving certificate is never renewed.",
    remediation: "Remove RotateKubeletServerCertificate: false from featureGates.",
    cis: "4.2.12",
    trivy: "KCV0090",
    kubescape: "C-0183",
    checkov: "CKV_K8S_150",
    test: (cfg) =>
      get(cfg, ["featureGates", "RotateKubeletServerCertificate"]) === false
        ? { at: ["featureGates", "RotateKubeletServerCertificate"], why: "false" }
        : undefined,
  }),
  kubeletRule({
    id: "BW-CP-081",
    title: "Kubelet allows weak TLS cipher suites",
    severity: "MEDIUM",
    why: "CBC and non-forward-secret suites allow downgrade and decryption of kubelet traffic.",
    remediation: "Set tlsCipherSuites to ECDHE AES-GCM and ChaCha20-Poly1305 suites only.",
    cis: "4.2.13",
    trivy: "KCV0091",
    kubescape: "C-0184",
    checkov: "CKV_K8S_151",
    test: (cfg) => {
      const list = asArr(get(cfg, ["tlsCipherSuites"])).map(String);
      if (!list.length) return { at: [], why: "tlsCipherSuites not set" };
      const weak = list.filter((c) => !STRONG_CIPHERS.has(c));
      return weak.length ? { at: ["tlsCipherSuites"], why: `weak: ${weak.join(", ")}` } : undefined;
    },
  }),
];
