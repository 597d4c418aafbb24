/**
 * What one network namespace's TCP table says about exposure: the ports it listens on beyond
 * loopback, and the connections established to those ports from outside the cluster
 * (north-south). A snapshot sees the connections open at that moment, so a short request
 * between two passes is missed; a long-lived client (a browser, a load balancer's pool, an
 * attacker's shell) is seen. "Outside" = not loopback and not in the inside ranges: the
 * cluster CIDRs when given, else the private, shared (CGNAT) and link-local ranges, where
 * pod and node addresses live.
 */
import { join } from "node:path";
import { inAnyCidr } from "../flows/cidr.js";
import { readTcp, type Sock } from "../sensor/procfs.js";

export const DEFAULT_INSIDE_CIDRS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
  "fc00::/7",
  "fe80::/10",
];

const LISTEN = 0x0a;
const ESTABLISHED = 0x01;

/** An IPv4 client of a dual-stack socket appears as ::ffff:a.b.c.d (printed here as groups). */
export function unmapIpv4(ip: string): string {
  const m = /^0:0:0:0:0:ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (!m) return ip;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

const isLoopback = (ip: string) => /^127\./.test(ip) || ip === "0:0:0:0:0:0:0:1";

export interface NetnsExposure {
  ports: number[];
  /** "peer-ip>port" for each connection from outside to a listening port. */
  northSouth: string[];
}

export function exposureOf(socks: readonly Sock[], insideCidrs: readonly string[]): NetnsExposure {
  const ports = new Set<number>();
  for (const s of socks)
    if (s.state === LISTEN && !isLoopback(unmapIpv4(s.local.ip))) ports.add(s.local.port);
  const northSouth = new Set<string>();
  for (const s of socks) {
    if (s.state !== ESTABLISHED || !ports.has(s.local.port)) continue;
    const peer = unmapIpv4(s.remote.ip);
    if (!isLoopback(peer) && !inAnyCidr(peer, insideCidrs)) northSouth.add(`${peer}>${s.local.port}`);
  }
  return { ports: [...ports], northSouth: [...northSouth] };
}

export function readExposure(netDir: string, insideCidrs: readonly string[]): NetnsExposure {
  return exposureOf(
    [...readTcp(join(netDir, "tcp"), "ipv4"), ...readTcp(join(netDir, "tcp6"), "ipv6")],
    insideCidrs,
  );
}
