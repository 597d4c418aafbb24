/**
 * Kubernetes NetworkPolicy per workload from observed flows, so a team can move to default
 * deny from evidence: ingress from the sources seen, egress to the destinations seen, DNS
 * always allowed, everything else denied (both policy types set). Workloads are selected by
 * their pod labels when known, else by `app: <container name>` — review before applying.
 */
import { stringify } from "yaml";
import type { Endpoint, Flow } from "./aggregate.js";

type Peer = Record<string, unknown>;

const labelValue = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .slice(0, 63) || "x";
const selectorOf = (w: Endpoint) => ({
  matchLabels: w.labels ?? { app: labelValue(w.name.split("/").pop()!) },
});
const keyOf = (p: Endpoint) => `${p.kind}:${p.namespace ?? ""}/${p.name}`;

/** The peer a policy rule names; undefined for the host (no address to name). */
function peerOf(p: Endpoint, self: Endpoint): Peer | undefined {
  if (p.kind === "external")
    return { ipBlock: { cidr: p.name.includes(":") ? `${p.name}/128` : `${p.name}/32` } };
  if (p.kind === "host") return undefined;
  const peer: Peer = { podSelector: selectorOf(p) };
  if ((p.namespace ?? "default") !== (self.namespace ?? "default"))
    peer.namespaceSelector = { matchLabels: { "kubernetes.io/metadata.name": p.namespace ?? "default" } };
  return peer;
}

/** Rules grouped by port: one rule per port/protocol with every peer seen on it. */
function rules(flows: Flow[], self: Endpoint, peerSide: "src" | "dst", field: "from" | "to"): Peer[] {
  const byPort = new Map<string, { port: number; protocol: string; peers: Map<string, Peer> }>();
  for (const f of flows) {
    const peer = peerOf(f[peerSide], self);
    if (!peer) continue;
    const k = `${f.port}/${f.protocol}`;
    const entry = byPort.get(k) ?? { port: f.port, protocol: f.protocol.toUpperCase(), peers: new Map() };
    entry.peers.set(JSON.stringify(peer), peer);
    byPort.set(k, entry);
  }
  return [...byPort.values()].map((r) => ({
    [field]: [...r.peers.values()],
    ports: [{ protocol: r.protocol === "UDP" ? "UDP" : "TCP", port: r.port }],
  }));
}

const DNS = {
  to: [{ namespaceSelector: {} }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

export function networkPolicies(flows: Flow[]): Array<Record<string, unknown>> {
  const workloads = new Map<string, Endpoint>();
  for (const f of flows)
    for (const p of [f.src, f.dst]) if (p.kind === "workload") workloads.set(keyOf(p), p);
  return [...workloads.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, w]) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: {
        name: `bulwark-${labelValue(w.name.split("/").pop()!)}`
          .toLowerCase()
          .slice(0, 63)
          .replace(/[^a-z0-9-]/g, "-")
          .replace(/-+$/, ""),
        namespace: w.namespace ?? "default",
        annotations: { "bulwark.dev/generated-from": "observed flows (bulwark runtime flows --netpol)" },
      },
      spec: {
        podSelector: selectorOf(w),
        policyTypes: ["Ingress", "Egress"],
        ingress: rules(
          flows.filter((f) => keyOf(f.dst) === key),
          w,
          "src",
          "from",
        ),
        egress: [
          ...rules(
            flows.filter((f) => keyOf(f.src) === key),
            w,
            "dst",
            "to",
          ),
          DNS,
        ],
      },
    }));
}

export function networkPoliciesYaml(flows: Flow[]): string {
  return networkPolicies(flows)
    .map((p) => stringify(p, { lineWidth: 0 }))
    .join("---\n");
}
