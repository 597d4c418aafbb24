/** IPv4/IPv6 address and CIDR matching for fd.net, fd.ip and friends. */
import { isIPv4, isIPv6 } from "node:net";

/** An address as a bigint plus its width (32 or 128 bits), or undefined if not an IP. */
export function parseIp(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  if (isIPv4(text)) {
    const v = text.split(".").reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
    return { value: v, bits: 32 };
  }
  if (isIPv6(text)) return { value: ipv6ToBigint(text), bits: 128 };
  return undefined;
}

function ipv6ToBigint(text: string): bigint {
  let t = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const n = parseIp(v4[1]!)!.value;
    t = t.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = t.includes("::") ? t.split("::") : [t, undefined];
  const h = head ? head.split(":") : [];
  const tl = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill("0"), ...tl];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}

export interface Network {
  value: bigint;
  bits: 32 | 128;
  prefix: number;
}

/** "10.0.0.0/8" or a plain address (a /32 or /128). */
export function parseNetwork(text: string): Network | undefined {
  const [addr, len] = text.split("/", 2);
  const ip = parseIp(addr ?? "");
  if (!ip) return undefined;
  const prefix = len === undefined ? ip.bits : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) return undefined;
  return { ...ip, prefix };
}

/** Events repeat the same few addresses; parsing each once keeps fd.net checks cheap. */
const parsedIps = new Map<string, { value: bigint; bits: 32 | 128 } | null>();

function cachedIp(ip: string): { value: bigint; bits: 32 | 128 } | undefined {
  let a = parsedIps.get(ip);
  if (a === undefined) {
    if (parsedIps.size > 4096) parsedIps.clear();
    a = parseIp(ip) ?? null;
    parsedIps.set(ip, a);
  }
  return a ?? undefined;
}

export function inNetwork(ip: string, net: Network): boolean {
  const a = cachedIp(ip);
  if (!a || a.bits !== net.bits) return false;
  if (a.bits === 32) {
    // IPv4 fits in a double: compare without BigInt arithmetic.
    if (net.prefix === 0) return true;
    const size = 2 ** (32 - net.prefix);
    return Math.floor(Number(a.value) / size) === Math.floor(Number(net.value) / size);
  }
  const shift = BigInt(net.bits - net.prefix);
  return a.value >> shift === net.value >> shift;
}
