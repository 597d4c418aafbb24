/**
 * Connections → flows. Each connect (client side) and accept (server side) is attributed to
 * its container and counted as it arrives (memory grows with distinct flows, not
 * connections); a workload's addresses are learned from the events themselves: a server's
 * from the local address of its accepts, a client's by pairing its connect with the accept
 * it caused (same destination address and port, closest in time, within 2 s, among the last
 * 64 connects to that destination). Flows are
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

/** Connections aggregated as they arrive, before their peers' names are known. */
interface Partial {
  self: Endpoint;
  selfKey: string;
  /** The client address (accepts only). */
  peerIp: string;
  serverIp: string;
  port: number;
  protocol: string;
  connections: number;
  firstSeen: string;
  lastSeen: string;
}

interface RecentConnect {
  time: number;
  self: Endpoint;
  selfKey: string;
}

const PAIR_WINDOW_MS = 2000;
/** Connects remembered per destination for pairing with the accepts they cause. */
const RECENT_PER_DEST = 64;

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
  private readonly connects = new Map<string, Partial>();
  private readonly accepts = new Map<string, Partial>();
  private readonly recent = new Map<string, RecentConnect[]>();
  /** Address → the workload it belongs to (servers from accepts, clients by pairing). */
  private readonly book = new Map<string, Endpoint>();

  constructor(private readonly clusterCidrs: readonly string[] = []) {}

  add(e: RuntimeEvent): void {
    if (e.type !== "connect" && e.type !== "accept") return;
    const n = e as NetworkEvent;
    if (n.family === "unix" || !n.remote) return;
    const self = endpointOf(e);
    const selfKey = keyOf(self);
    const time = Date.parse(e.time);
    if (e.type === "connect") {
      const dest = `${n.remote.ip}:${n.remote.port}`;
      this.count(
        this.connects,
        `${selfKey}>${dest}/${n.protocol}`,
        { self, selfKey, peerIp: "", serverIp: n.remote.ip, port: n.remote.port, protocol: n.protocol },
        e.time,
      );
      const list = this.recent.get(dest) ?? [];
      list.push({ time, self, selfKey });
      if (list.length > RECENT_PER_DEST) list.shift();
      this.recent.set(dest, list);
      return;
    }
    if (!n.local) return;
    // Only containers claim addresses: a host process answers on whatever address the node
    // has (other namespaces' too), and traffic to a node address is better named by address.
    if (self.kind === "workload" && !isUnspecified(n.local.ip)) this.book.set(n.local.ip, self);
    if (!this.book.has(n.remote.ip)) {
      const client = nearest(this.recent.get(`${n.local.ip}:${n.local.port}`) ?? [], time, selfKey);
      if (client) this.book.set(n.remote.ip, client.self);
    }
    this.count(
      this.accepts,
      `${selfKey}<${n.remote.ip}>${n.local.ip}:${n.local.port}/${n.protocol}`,
      { self, selfKey, peerIp: n.remote.ip, serverIp: n.local.ip, port: n.local.port, protocol: n.protocol },
      e.time,
    );
  }

  /** The flows seen so far, sorted by source, destination, port. */
  flows(): Flow[] {
    const flows = new Map<string, Flow>();
    const note = (src: Endpoint, dst: Endpoint, p: Partial) => {
      const key = `${keyOf(src)}>${keyOf(dst)}:${p.port}/${p.protocol}`;
      const f = flows.get(key);
      if (!f) {
        flows.set(key, {
          src,
          dst,
          port: p.port,
          protocol: p.protocol,
          direction: this.direction(src, dst),
          connections: p.connections,
          firstSeen: p.firstSeen,
          lastSeen: p.lastSeen,
        });
        return;
      }
      f.connections += p.connections;
      if (p.firstSeen < f.firstSeen) f.firstSeen = p.firstSeen;
      if (p.lastSeen > f.lastSeen) f.lastSeen = p.lastSeen;
    };
    const fromClients = new Set<string>();
    for (const p of this.connects.values()) {
      const dst = this.book.get(p.serverIp) ?? external(p.serverIp);
      if (keyOf(dst) === p.selfKey) continue; // a workload talking to itself
      note(p.self, dst, p);
      fromClients.add(`${p.selfKey}>${p.serverIp}:${p.port}`);
    }
    for (const p of this.accepts.values()) {
      const src = this.book.get(p.peerIp) ?? external(p.peerIp);
      if (keyOf(src) === p.selfKey) continue;
      // Counted from the client's connect already, when the client is on this node.
      if (src.kind !== "external" && fromClients.has(`${keyOf(src)}>${p.serverIp}:${p.port}`)) continue;
      note(src, p.self, p);
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
    for (const p of this.accepts.values())
      if (p.self.kind === "workload")
        out.set(`${p.selfKey}:${p.port}/${p.protocol}`, {
          workload: p.self,
          port: p.port,
          protocol: p.protocol,
        });
    return [...out.values()];
  }

  private count(
    into: Map<string, Partial>,
    key: string,
    p: Omit<Partial, "connections" | "firstSeen" | "lastSeen">,
    time: string,
  ): void {
    const f = into.get(key);
    if (!f) into.set(key, { ...p, connections: 1, firstSeen: time, lastSeen: time });
    else {
      f.connections++;
      if (time < f.firstSeen) f.firstSeen = time;
      if (time > f.lastSeen) f.lastSeen = time;
    }
  }

  private direction(src: Endpoint, dst: Endpoint): Flow["direction"] {
    const inside = (p: Endpoint) =>
      p.kind === "workload" || (p.kind === "external" && inAnyCidr(p.name, this.clusterCidrs));
    return inside(src) && inside(dst) ? "east-west" : "north-south";
  }
}

/** The recent connect closest in time to an accept (within the window), from another workload. */
function nearest(recent: RecentConnect[], time: number, acceptor: string): RecentConnect | undefined {
  let best: RecentConnect | undefined;
  for (const c of recent) {
    const d = Math.abs(c.time - time);
    if (c.selfKey !== acceptor && d <= PAIR_WINDOW_MS && (!best || d < Math.abs(best.time - time))) best = c;
  }
  return best;
}

const external = (ip: string): Endpoint => ({ kind: "external", name: ip });
const isUnspecified = (ip: string) => ip === "0.0.0.0" || ip === "::" || ip === "";
