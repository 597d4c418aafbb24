/** IPv4/IPv6 CIDR membership, with node's own address parsing (net.BlockList). */
import { BlockList, isIP } from "node:net";

const cache = new Map<string, BlockList>();

function listOf(cidrs: readonly string[]): BlockList {
  const key = cidrs.join(",");
  let list = cache.get(key);
  if (!list) {
    list = new BlockList();
    for (const c of cidrs) {
      const [addr, bits] = c.split("/");
      const type = isIP(addr ?? "") === 6 ? "ipv6" : "ipv4";
      list.addSubnet(addr!, Number(bits ?? (type === "ipv6" ? 128 : 32)), type);
    }
    cache.set(key, list);
  }
  return list;
}

/** Throws on a malformed CIDR (the caller reports it as a usage error). */
export function checkCidr(c: string): void {
  const [addr, bits, extra] = c.split("/");
  const v = isIP(addr ?? "");
  const n = Number(bits);
  if (!v || extra !== undefined || !Number.isInteger(n) || n < 0 || n > (v === 6 ? 128 : 32))
    throw new Error(`not a CIDR: "${c}"`);
}

export function inAnyCidr(ip: string, cidrs: readonly string[]): boolean {
  const v = isIP(ip);
  if (!v || cidrs.length === 0) return false;
  return listOf(cidrs).check(ip, v === 6 ? "ipv6" : "ipv4");
}
