import { NIST, NSA } from "../frameworks.js";
import { asArr, asObj, asStr, type K8sObject } from "../kubernetes/objects.js";
import type { Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { meta as workloadMeta, type WorkloadMeta } from "../workload/define.js";

/** Network exposure: Services, Ingresses and what NetworkPolicies allow. */
type NetRule = Rule<K8sObject, Path>;
const meta = (m: WorkloadMeta) => workloadMeta({ nsa: NSA.netpol, nist: NIST.orchNetwork, ...m }, "network");
const spec = (o: K8sObject) => asObj(o.value.spec) ?? {};
const isService = (o: K8sObject) => o.kind === "Service";
const isIngress = (o: K8sObject) => o.kind === "Ingress";
const exposed = (o: K8sObject) => ["NodePort", "LoadBalancer"].includes(asStr(spec(o).type) ?? "");
const annotations = (o: K8sObject) => asObj(asObj(o.value.metadata)?.annotations) ?? {};
const NGINX = "nginx.ingress.kubernetes.io/";

/** Ports of control plane, node and data stores that must not face the outside. */
const SENSITIVE_PORTS: Record<number, string> = {
  2379: "etcd",
  2380: "etcd peer",
  6443: "Kubernetes API",
  10250: "kubelet",
  10255: "kubelet read-only",
  3306: "MySQL",
  5432: "PostgreSQL",
  6379: "Redis",
  9200: "Elasticsearch",
  11211: "memcached",
  27017: "MongoDB",
  5601: "Kibana",
  8500: "Consul",
  2375: "Docker API",
};

export const networkRules: NetRule[] = [
  {
    meta: meta({
      id: "BW-NET-001",
      title: "Service sets externalIPs (CVE-2020-8554)",
      severity: "HIGH",
      why: "Any externalIP on a Service makes kube-proxy capture traffic to that address cluster-wide: whoever can create Services can intercept traffic meant for any IP (CVE-2020-8554).",
      remediation:
        "Remove spec.externalIPs; use a LoadBalancer, and enable the DenyServiceExternalIPs admission plugin.",
      cis: ["1.2.3"],
      kubescape: ["C-0115"],
    }),
    appliesTo: isService,
    check: (o, report) => {
      const ips = asArr(spec(o).externalIPs);
      if (ips.length) report([...o.path, "spec", "externalIPs"], ips.map(String).join(", "));
    },
  },
  {
    meta: meta({
      id: "BW-NET-002",
      title: "LoadBalancer Service is open to the whole internet",
      severity: "MEDIUM",
      why: "Without loadBalancerSourceRanges (or with 0.0.0.0/0) the cloud load balancer accepts connections from any address.",
      remediation:
        "Set spec.loadBalancerSourceRanges to the client networks, or use an internal load balancer.",
    }),
    appliesTo: (o) => isService(o) && spec(o).type === "LoadBalancer",
    check: (o, report) => {
      const ranges = asArr(spec(o).loadBalancerSourceRanges).map(String);
      const internal = Object.entries(annotations(o)).some(
        ([k, v]) =>
          /load-balancer-internal|internal-load-balancer|lb-internal|load-balancer-scheme/.test(k) &&
          /true|internal/i.test(String(v)),
      );
      if (internal) return;
      if (!ranges.length || ranges.some((r) => r === "0.0.0.0/0" || r === "::/0"))
        report(
          [...o.path, "spec", ranges.length ? "loadBalancerSourceRanges" : "type"],
          ranges.join(", ") || "no source ranges",
        );
    },
  },
  {
    meta: meta({
      id: "BW-NET-003",
      title: "Service exposes a control plane or database port outside the cluster",
      severity: "HIGH",
      why: "etcd, kubelet, the API server and databases behind a NodePort or LoadBalancer are reachable from outside the cluster, usually without the network controls they were designed for.",
      remediation:
        "Use a ClusterIP Service for these ports and reach them through a bastion or private network.",
      kubescape: ["C-0042"],
    }),
    appliesTo: (o) => isService(o) && exposed(o),
    check: (o, report) => {
      for (const [i, raw] of asArr(spec(o).ports).entries()) {
        const p = asObj(raw) ?? {};
        for (const n of [p.port, p.targetPort])
          if (typeof n === "number" && SENSITIVE_PORTS[n]) {
            report([...o.path, "spec", "ports", i], `${SENSITIVE_PORTS[n]} (${n})`);
            break;
          }
      }
    },
  },
  {
    meta: meta({
      id: "BW-NET-004",
      title: "Ingress serves without TLS",
      severity: "MEDIUM",
      why: "Without a tls section the Ingress serves plain HTTP: credentials and session cookies cross the network readable and modifiable.",
      remediation: "Add spec.tls with the hosts and a certificate Secret (cert-manager can issue it).",
    }),
    appliesTo: isIngress,
    check: (o, report) => {
      if (!asArr(spec(o).tls).length) report([...o.path, "spec"]);
    },
  },
  {
    meta: meta({
      id: "BW-NET-005",
      title: "Ingress uses ingress-nginx snippet annotations (CVE-2021-25742)",
      severity: "HIGH",
      why: "configuration-snippet, server-snippet and auth-snippet inject raw nginx configuration: whoever can write an Ingress can read the controller's service account token and every Secret it sees (CVE-2021-25742).",
      remediation:
        "Remove the snippet annotations and set allow-snippet-annotations: false in the controller ConfigMap.",
    }),
    appliesTo: isIngress,
    check: (o, report) => {
      for (const k of Object.keys(annotations(o)))
        if (/^nginx\.ingress\.kubernetes\.io\/(configuration|server|auth|stream|location)-snippets?$/.test(k))
          report([...o.path, "metadata", "annotations", k], k);
    },
  },
  {
    meta: meta({
      id: "BW-NET-006",
      title: "ingress-nginx annotation carries nginx syntax (CVE-2023-5043 family)",
      severity: "HIGH",
      why: "Annotations such as permanent-redirect, mirror-target, auth-url or rewrite-target are copied into nginx.conf; a value with ; { } or a newline injects configuration and can expose the controller's credentials (CVE-2021-25745, CVE-2023-5043, CVE-2023-5044).",
      remediation:
        "Use plain URLs and paths in ingress-nginx annotations and upgrade the controller to a version that validates them.",
    }),
    appliesTo: isIngress,
    check: (o, report) => {
      for (const [k, v] of Object.entries(annotations(o))) {
        if (!k.startsWith(NGINX) || /-snippets?$/.test(k)) continue;
        if (typeof v === "string" && /[;{}\n]|\$\{|_by_lua/.test(v))
          report([...o.path, "metadata", "annotations", k], k);
      }
    },
  },
  {
    meta: meta({
      id: "BW-NET-007",
      title: "Ingress rule matches every host",
      severity: "LOW",
      why: "A rule without a host (or with *) answers for any Host header, so the service is reachable through any name pointing at the load balancer.",
      remediation: "Set host on every Ingress rule.",
    }),
    appliesTo: isIngress,
    check: (o, report) => {
      for (const [i, raw] of asArr(spec(o).rules).entries()) {
        const host = asStr(asObj(raw)?.host);
        if (!host || host === "*") report([...o.path, "spec", "rules", i], host ?? "no host");
      }
    },
  },
  {
    meta: meta({
      id: "BW-NET-008",
      title: "NetworkPolicy allows all ingress",
      severity: "MEDIUM",
      why: "An ingress rule that is empty ({}) or allows 0.0.0.0/0 admits traffic from every pod and address, so the policy selects pods without protecting them.",
      remediation: "List the namespaces, pods or CIDRs that may connect in from:.",
      cis: ["5.3.2"],
      kubescape: ["C-0260"],
    }),
    appliesTo: (o) => o.kind === "NetworkPolicy",
    check: (o, report) => {
      for (const [i, raw] of asArr(spec(o).ingress).entries()) {
        const from = asArr(asObj(raw)?.from);
        const open =
          !from.length ||
          from.some((f) => ["0.0.0.0/0", "::/0"].includes(asStr(asObj(asObj(f)?.ipBlock)?.cidr) ?? ""));
        if (open) report([...o.path, "spec", "ingress", i], "allows every source");
      }
    },
  },
  {
    meta: meta({
      id: "BW-NET-009",
      title: "NetworkPolicy allows egress to any address",
      severity: "LOW",
      why: "Egress to 0.0.0.0/0 (or an empty egress rule) lets a compromised pod reach the internet and the cloud metadata service for exfiltration and credentials.",
      remediation:
        "Allow egress only to the services and CIDRs the workload calls, and block 169.254.169.254.",
    }),
    appliesTo: (o) => o.kind === "NetworkPolicy",
    check: (o, report) => {
      for (const [i, raw] of asArr(spec(o).egress).entries()) {
        const to = asArr(asObj(raw)?.to);
        const open =
          !to.length ||
          to.some((t) => {
            const block = asObj(asObj(t)?.ipBlock);
            return ["0.0.0.0/0", "::/0"].includes(asStr(block?.cidr) ?? "") && !asArr(block?.except).length;
          });
        if (open) report([...o.path, "spec", "egress", i], "allows every destination");
      }
    },
  },
  {
    meta: meta({
      id: "BW-NET-010",
      title: "Service of type ExternalName",
      severity: "LOW",
      why: "An ExternalName Service is a DNS alias the cluster trusts; pointed at an internal name or used by an Ingress in another namespace it routes traffic across namespace boundaries (CVE-2021-25740).",
      remediation: "Use a selector-based Service, or restrict who may create ExternalName Services.",
    }),
    appliesTo: isService,
    check: (o, report) => {
      if (spec(o).type === "ExternalName") report([...o.path, "spec", "type"], asStr(spec(o).externalName));
    },
  },
];
