/**
 * Connections → flows. Each connect (client side) and accept (server side) is attributed to
 * its container; a workload's addresses are learned from the events themselves: a server's
 * from the local address of its accepts, a client's by pairing its connect with the accept
 * it caused (same destination address and port, closest in time, within 2 s). Flows are
 * aggregated by source, destination, port and protocol, with counts and first/last seen, and
 * classified east-west (both ends workloads, or inside the cluster CIDRs) or north-south.
 * Bytes are not counted: the sensor sees syscalls, not traffic.
 */
import type { NetworkEvent, RuntimeEvent } from "../events/types.js";
import { inAnyCidr } from "./cidr.js";

export interface Endpoint {
  /** "workload" for a container, "host" for a host process, "external" for an address. */
  kind: "workload" | "host" | "external";
  /** Container name (or the address for external endpoints). */
  name: string;
  image?: string;
  /** Pod labels when Kubernetes context is known (used for NetworkPolicy selectors). */
  labels?: Record<string, string>;
  namespace?: string;
}

export interface Flow {
  src: Endpoint;
  dst: Endpoint;
  port: number;
  protocol: string;
  direction: "east-west" | "north-south";
  connections: number;
  firstSeen: string;
  lastSeen: string;
}

interface Raw {
  time: number;
  iso: string;
  side: "connect" | "accept";
  self: Endpoint;
  selfKey: string;
  peerIp: string;
  /** Server address the connection went to. */
  serverIp: string;
  port: number;
  protocol: string;
}

const PAIR_WINDOW_MS = 2000;

function endpointOf(e: RuntimeEvent): Endpoint {
  if (e.container.id === "host") return { kind: "host", name: "host" };
  return {
    kind: "workload",
    name: e.k8s ? `${e.k8s.namespace}/${e.k8s.podName}` : (e.container.name ?? e.container.id),
    ...(e.container.image ? { image: e.container.image } : {}),
    ...(e.k8s?.podLabels ? { labels: e.k8s.podLabels } : {}),
    ...(e.k8s ? { namespace: e.k8s.namespace } : {}),
  };
}

const keyOf = (p: Endpoint) => `${p.kind}:${p.namespace ?? ""}/${p.name}`;

export class FlowAggregator {
  private readonly raws: Raw[] = [];

  constructor(private readonly clusterCidrs: readonly string[] = []) {}

  add(e: RuntimeEvent): void {
    if (e.type !== "connect" && e.type !== "accept") return;
    const n = e as NetworkEvent;
    if (n.family === "unix" || !n.remote) return;
    const self = endpointOf(e);
    const time = Date.parse(e.time);
    const base = { time, iso: e.time, self, selfKey: keyOf(self), protocol: n.protocol };
    if (e.type === "connect")
      this.raws.push({
        ...base,
        side: "connect",
        peerIp: n.remote.ip,
        serverIp: n.remote.ip,
        port: n.remote.port,
      });
    else if (n.local)
      this.raws.push({
        ...base,
        side: "accept",
        peerIp: n.remote.ip,
        serverIp: n.local.ip,
        port: n.local.port,
      });
  }

  /** The flows seen so far, sorted by source, destination, port. */
  flows(): Flow[] {
    const book = this.addressBook();
    const flows = new Map<string, Flow>();
    const seenPairs = new Set<string>();
    const note = (src: Endpoint, dst: Endpoint, r: Raw) => {
      const key = `${keyOf(src)}>${keyOf(dst)}:${r.port}/${r.protocol}`;
      const f = flows.get(key);
      if (f) {
        f.connections++;
        if (r.iso < f.firstSeen) f.firstSeen = r.iso;
        if (r.iso > f.lastSeen) f.lastSeen = r.iso;
      } else
        flows.set(key, {
          src,
          dst,
          port: r.port,
          protocol: r.protocol,
          direction: this.direction(src, dst),
          connections: 1,
          firstSeen: r.iso,
          lastSeen: r.iso,
        });
    };
    for (const r of this.raws.filter((x) => x.side === "connect")) {
      const dst = book.get(r.serverIp) ?? external(r.serverIp);
      if (keyOf(dst) === r.selfKey && dst.kind !== "external") continue; // a workload talking to itself
      note(r.self, dst, r);
      seenPairs.add(`${r.selfKey}>${keyOf(dst)}:${r.port}`);
    }
    for (const r of this.raws.filter((x) => x.side === "accept")) {
      const src = book.get(r.peerIp) ?? external(r.peerIp);
      if (keyOf(src) === r.selfKey) continue;
      // Counted from the client's connect already, when the client is on this node.
      if (src.kind !== "external" && seenPairs.has(`${keyOf(src)}>${r.selfKey}:${r.port}`)) continue;
      note(src, r.self, r);
    }
    return [...flows.values()].sort(
      (a, b) =>
        keyOf(a.src).localeCompare(keyOf(b.src)) ||
        keyOf(a.dst).localeCompare(keyOf(b.dst)) ||
        a.port - b.port,
    );
  }

  /** Listening sockets per workload, from accepts (the exposure evidence prioritisation uses). */
  listening(): Array<{ workload: Endpoint; port: number; protocol: string }> {
    const out = new Map<string, { workload: Endpoint; port: number; protocol: string }>();
    for (const r of this.raws)
      if (r.side === "accept" && r.self.kind === "workload")
        out.set(`${r.selfKey}:${r.port}/${r.protocol}`, {
          workload: r.self,
          port: r.port,
          protocol: r.protocol,
        });
    return [...out.values()];
  }

  private addressBook(): Map<string, Endpoint> {
    const book = new Map<string, Endpoint>();
    const accepts = this.raws.filter((r) => r.side === "accept");
    for (const a of accepts) if (!isUnspecified(a.serverIp)) book.set(a.serverIp, a.self);
    const connects = this.raws.filter((r) => r.side === "connect");
    for (const a of accepts) {
      if (book.has(a.peerIp)) continue;
      let best: Raw | undefined;
      for (const c of connects) {
        if (c.serverIp !== a.serverIp || c.port !== a.port || c.selfKey === a.selfKey) continue;
        const d = Math.abs(c.time - a.time);
        if (d <= PAIR_WINDOW_MS && (!best || d < Math.abs(best.time - a.time))) best = c;
      }
      if (best) book.set(a.peerIp, best.self);
    }
    return book;
  }

  private direction(src: Endpoint, dst: Endpoint): Flow["direction"] {
    const inside = (p: Endpoint) =>
      p.kind === "workload" || (p.kind === "external" && inAnyCidr(p.name, this.clusterCidrs));
    return inside(src) && inside(dst) ? "east-west" : "north-south";
  }
}

const external = (ip: string): Endpoint => ({ kind: "external", name: ip });
const isUnspecified = (ip: string) => ip === "0.0.0.0" || ip === "::" || ip === "";
