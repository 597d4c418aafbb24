/**
 * The TCP connections a network namespace has open, from /proc/<pid>/net/tcp and tcp6 (the
 * kernel lists the sockets of the reading process's target pid's namespace). Isolation lets
 * exactly these through: conntrack in a namespace starts tracking only once a rule uses it,
 * so a connection made before isolation is not "established" to conntrack — its next packet
 * looks new and would be dropped.
 */
import { readFileSync } from "node:fs";

export interface TcpFlow {
  family: "ip" | "ip6";
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
}

const ESTABLISHED = "01";

/** A /proc/net/tcp address word: 32-bit groups in host (little-endian) byte order. */
function words(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8)
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(hex.slice(i + b * 2, i + b * 2 + 2), 16));
  return bytes;
}

function address(hex: string): { family: "ip" | "ip6"; addr: string } | undefined {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined;
  const b = words(hex);
  if (b.length === 4) return { family: "ip", addr: b.join(".") };
  // An IPv4-mapped IPv6 socket (::ffff:a.b.c.d) sends plain IPv4 packets.
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return { family: "ip", addr: b.slice(12).join(".") };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return { family: "ip6", addr: groups.join(":") };
}

export function parseProcNetTcp(text: string): TcpFlow[] {
  const out: TcpFlow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const [, local, remote, state] = line.trim().split(/\s+/);
    if (state !== ESTABLISHED || !local || !remote) continue;
    const [la, lp] = local.split(":");
    const [ra, rp] = remote.split(":");
    const l = address(la ?? "");
    const r = address(ra ?? "");
    if (!l || !r || l.family !== r.family) continue;
    out.push({
      family: l.family,
      local: l.addr,
      localPort: parseInt(lp ?? "", 16),
      remote: r.addr,
      remotePort: parseInt(rp ?? "", 16),
    });
  }
  return out.filter((f) => Number.isInteger(f.localPort) && Number.isInteger(f.remotePort));
}

export function establishedFlows(pid: number): TcpFlow[] {
  const read = (f: string): string => {
    try {
      return readFileSync(`/proc/${pid}/net/${f}`, "utf8");
    } catch {
      return "";
    }
  };
  return [...parseProcNetTcp(read("tcp")), ...parseProcNetTcp(read("tcp6"))];
}
