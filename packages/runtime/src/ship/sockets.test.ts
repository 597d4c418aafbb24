/**
 * Exposure from a TCP table: listening beyond loopback, and connections to a listening port
 * from outside the cluster. Socket rows are built by hand (one per case, as /proc prints
 * them after parsing); a real socket of this process is read from /proc too.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import type { Sock } from "../sensor/procfs.js";
import { DEFAULT_INSIDE_CIDRS, exposureOf, readExposure, unmapIpv4 } from "./sockets.js";

const sock = (state: number, local: string, remote: string, family: "ipv4" | "ipv6" = "ipv4"): Sock => {
  const split = (s: string) => {
    const i = s.lastIndexOf(":");
    return { ip: s.slice(0, i), port: Number(s.slice(i + 1)) };
  };
  return { state, local: split(local), remote: split(remote), inode: "1", family };
};

describe("exposure of a network namespace", () => {
  it("counts connections from outside the inside ranges to listening ports only", () => {
    const socks = [
      sock(0x0a, "0.0.0.0:8080", "0.0.0.0:0"),
      sock(0x0a, "127.0.0.1:9000", "0.0.0.0:0"),
      sock(0x01, "10.1.2.3:8080", "198.51.100.7:40000"), // outside: north-south
      sock(0x01, "10.1.2.3:8080", "10.1.9.9:40001"), // a pod: east-west
      sock(0x01, "127.0.0.1:9000", "203.0.113.1:40002"), // not a listening port beyond loopback
      sock(0x01, "10.1.2.3:41000", "203.0.113.1:443"), // an outgoing connection
      sock(0x01, "0:0:0:0:0:ffff:a01:203:8080", "0:0:0:0:0:ffff:cb00:7109:40003", "ipv6"),
    ];
    expect(exposureOf(socks, DEFAULT_INSIDE_CIDRS)).toEqual({
      ports: [8080],
      northSouth: ["198.51.100.7>8080", "203.0.113.9>8080"],
    });
    // Told the cluster's own ranges (they replace the defaults), a peer inside them is not north-south.
    expect(exposureOf(socks, ["198.51.100.0/24", "203.0.113.0/24"]).northSouth).toEqual(["10.1.9.9>8080"]);
  });

  it("reads IPv4-mapped IPv6 peers as IPv4", () => {
    expect(unmapIpv4("0:0:0:0:0:ffff:c633:6407")).toBe("198.51.100.7");
    expect(unmapIpv4("fe80:0:0:0:0:0:0:1")).toBe("fe80:0:0:0:0:0:0:1");
  });

  it("sees a real listening socket of this process", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
    try {
      const port = (server.address() as { port: number }).port;
      expect(readExposure("/proc/self/net", DEFAULT_INSIDE_CIDRS).ports).toContain(port);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
