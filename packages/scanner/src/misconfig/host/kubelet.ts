import { posix } from "node:path";
import { NIST, NSA } from "../frameworks.js";
import { asObj, type Obj } from "../kubernetes/objects.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import { parseYamlDocuments, type Path, type YamlDoc } from "../yaml-source.js";
import { inlineDirectives, type Directive } from "../suppress.js";
import type { HostRoot } from "./fsroot.js";
import type { HostAt } from "./sshd.js";

export const KUBELET_CONFIG = "/var/lib/kubelet/config.yaml";

export interface KubeletHost {
  config: Obj;
  directives: Directive[];
  doc?: YamlDoc;
  mode: number;
}

export async function readKubelet(host: HostRoot): Promise<KubeletHost | undefined> {
  const info = await host.stat(KUBELET_CONFIG);
  if (!info) return undefined;
  const text = (await host.read(KUBELET_CONFIG)) ?? "";
  const doc = parseYamlDocuments(text)[0];
  return {
    config: asObj(doc?.value) ?? {},
    directives: inlineDirectives(text),
    ...(doc ? { doc } : {}),
    mode: info.mode,
  };
}

/** Kubernetes node files whose permissions matter, by class. */
export interface NodeFiles {
  files: Array<{ path: string; mode: number; kind: "kubeconfig" | "pki-key" | "pki-cert" }>;
}

export async function readNodeFiles(host: HostRoot): Promise<NodeFiles | undefined> {
  const files: NodeFiles["files"] = [];
  for (const name of await host.list("/etc/kubernetes")) {
    if (!name.endsWith(".conf")) continue;
    const p = posix.join("/etc/kubernetes", name);
    const s = await host.stat(p);
    if (s) files.push({ path: p, mode: s.mode, kind: "kubeconfig" });
  }
  for (const p of await host.walk("/etc/kubernetes/pki")) {
    const kind = p.endsWith(".key") ? "pki-key" : p.endsWith(".crt") ? "pki-cert" : undefined;
    const s = kind ? await host.stat(p) : undefined;
    if (kind && s) files.push({ path: p, mode: s.mode, kind });
  }
  return files.length ? { files } : undefined;
}

type KubeletRule = Rule<KubeletHost, HostAt>;
const hostMeta = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "host" });
const get = (o: Obj, path: string[]): unknown => path.reduce<unknown>((v, k) => asObj(v)?.[k], o);
const at = (k: KubeletHost, path: Path): HostAt => ({
  file: KUBELET_CONFIG,
  line: k.doc ? k.doc.lineAt(path) : 1,
});

export const kubeletRules: KubeletRule[] = [
  {
    meta: hostMeta({
      id: "BW-HOST-020",
      title: "kubelet allows anonymous requests",
      severity: "CRITICAL",
      why: "Anonymous access to the kubelet API (port 10250) lets anyone on the network list pods and, with permissive authorization, run commands in them.",
      remediation:
        "Set authentication.anonymous.enabled: false in the kubelet config and restart the kubelet.",
      mappings: mapIds({
        cisK8s: ["4.2.1"],
        nsa: [NSA.authn],
        nist: [NIST.orchNodeTrust],
        kubescape: ["C-0069"],
      }),
    }),
    check: (k, report) => {
      // KubeletConfiguration v1beta1 defaults anonymous.enabled to false (the CLI flag defaults to true).
      if (get(k.config, ["authentication", "anonymous", "enabled"]) === true)
        report(at(k, ["authentication", "anonymous", "enabled"]));
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-021",
      title: "kubelet authorizes every request (AlwaysAllow)",
      severity: "CRITICAL",
      why: "With AlwaysAllow any authenticated (or anonymous) caller can exec into pods and read their secrets through the kubelet.",
      remediation: "Set authorization.mode: Webhook and authentication.webhook.enabled: true.",
      mappings: mapIds({
        cisK8s: ["4.2.2"],
        nsa: [NSA.authn],
        nist: [NIST.orchNodeTrust],
      }),
    }),
    check: (k, report) => {
      if (get(k.config, ["authorization", "mode"]) === "AlwaysAllow")
        report(at(k, ["authorization", "mode"]));
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-022",
      title: "kubelet read-only port is open",
      severity: "MEDIUM",
      why: "The read-only port (usually 10255) serves pod specs and metrics without any authentication, leaking workload details and environment values.",
      remediation: "Set readOnlyPort: 0 in the kubelet config.",
      mappings: mapIds({ cisK8s: ["4.2.4"], nsa: [NSA.controlPlane], nist: [NIST.orchNodeTrust] }),
    }),
    check: (k, report) => {
      const port = k.config.readOnlyPort;
      if (typeof port === "number" && port !== 0) report(at(k, ["readOnlyPort"]), `readOnlyPort ${port}`);
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-023",
      title: "kubelet client certificate rotation is off",
      severity: "MEDIUM",
      why: "Without rotation the kubelet's client certificate lives until it expires, so a stolen one stays valid and an expired one takes the node down.",
      remediation: "Set rotateCertificates: true in the kubelet config.",
      mappings: mapIds({ cisK8s: ["4.2.10"], nsa: [NSA.authn], nist: [NIST.orchNodeTrust] }),
    }),
    check: (k, report) => {
      if (k.config.rotateCertificates !== true)
        report(
          at(k, ["rotateCertificates"]),
          k.config.rotateCertificates === undefined ? "not set (default false)" : undefined,
        );
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-024",
      title: "kubelet serves a self-signed certificate",
      severity: "LOW",
      why: "Without serverTLSBootstrap or a configured tlsCertFile the kubelet generates a self-signed serving certificate, so the API server cannot verify it is talking to the real node.",
      remediation:
        "Set serverTLSBootstrap: true (and approve the CSRs) or set tlsCertFile/tlsPrivateKeyFile.",
      mappings: mapIds({ cisK8s: ["4.2.9"], nist: [NIST.orchNodeTrust] }),
    }),
    check: (k, report) => {
      if (k.config.serverTLSBootstrap !== true && typeof k.config.tlsCertFile !== "string")
        report(at(k, ["serverTLSBootstrap"]));
    },
  },
  {
    meta: hostMeta({
      id: "BW-HOST-033",
      title: "kubelet config file is readable or writable by others",
      severity: "MEDIUM",
      why: "Whoever can write the kubelet config can turn off its authentication at the next restart.",
      remediation: "chmod 600 /var/lib/kubelet/config.yaml && chown root:root /var/lib/kubelet/config.yaml.",
      mappings: mapIds({ cisK8s: ["4.1.9"], nist: [NIST.hostFsTampering] }),
    }),
    check: (k, report) => {
      if (k.mode & 0o077) report({ file: KUBELET_CONFIG, line: 1 }, `mode ${(k.mode & 0o777).toString(8)}`);
    },
  },
];

type FilesRule = Rule<NodeFiles, HostAt>;

function permRule(meta: CheckMeta, kind: NodeFiles["files"][number]["kind"], mask: number): FilesRule {
  return {
    meta,
    appliesTo: (n) => n.files.some((f) => f.kind === kind),
    check: (n, report) => {
      for (const f of n.files)
        if (f.kind === kind && f.mode & mask)
          report({ file: f.path, line: 1 }, `mode ${(f.mode & 0o777).toString(8)}`);
    },
  };
}

export const nodeFileRules: FilesRule[] = [
  permRule(
    hostMeta({
      id: "BW-HOST-030",
      title: "Kubeconfig file is readable or writable by others",
      severity: "HIGH",
      why: "/etc/kubernetes/*.conf hold client credentials (admin.conf is cluster-admin); any local user who can read one controls the cluster or node.",
      remediation: "chmod 600 /etc/kubernetes/*.conf && chown root:root /etc/kubernetes/*.conf.",
      mappings: mapIds({ cisK8s: ["1.1.13", "1.1.15", "1.1.17", "4.1.5"], nist: [NIST.hostUserAccess] }),
    }),
    "kubeconfig",
    0o077,
  ),
  permRule(
    hostMeta({
      id: "BW-HOST-031",
      title: "Kubernetes PKI private key is readable or writable by others",
      severity: "HIGH",
      why: "The CA and component keys under /etc/kubernetes/pki let their holder mint any identity, including cluster-admin.",
      remediation: "chmod 600 /etc/kubernetes/pki/*.key (and keys in subdirectories).",
      mappings: mapIds({ cisK8s: ["1.1.21"], nist: [NIST.hostUserAccess] }),
    }),
    "pki-key",
    0o077,
  ),
  permRule(
    hostMeta({
      id: "BW-HOST-032",
      title: "Kubernetes PKI certificate is writable by others or more open than 600",
      severity: "LOW",
      why: "A writable CA certificate can be replaced to make components trust an attacker's CA; CIS asks for 600 on all PKI certificates.",
      remediation: "chmod 600 /etc/kubernetes/pki/*.crt.",
      mappings: mapIds({ cisK8s: ["1.1.20"], nist: [NIST.hostFsTampering] }),
    }),
    "pki-cert",
    0o077,
  ),
];
