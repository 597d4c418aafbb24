/**
 * Open TCP connections read from the kernel's own /proc/<pid>/net/tcp and tcp6, with real
 * loopback servers and clients in this process; and the parser never throws on arbitrary text.
 */
import { createConnection, createServer, type Socket } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { establishedFlows, parseProcNetTcp } from "./established.js";

describe("open TCP connections", () => {
  it("finds a live loopback connection, both ends, with addresses and ports", async () => {
    const accepted: Socket[] = [];
    const server = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const client = createConnection(port, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    try {
      const flows = establishedFlows(process.pid);
      expect(flows).toContainEqual({
        family: "ip",
        local: "127.0.0.1",
        localPort: client.localPort,
        remote: "127.0.0.1",
        remotePort: port,
      });
      expect(flows).toContainEqual({
        family: "ip",
        local: "127.0.0.1",
        localPort: port,
        remote: "127.0.0.1",
        remotePort: client.localPort,
      });
    } finally {
      client.destroy();
      for (const s of accepted) s.destroy();
      server.close();
    }
  });

  it("reads IPv6 sockets, and IPv4-mapped ones (a dual-stack server) as the IPv4 they send", async () => {
    const accepted: Socket[] = [];
    const server = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, "::", r));
    const port = (server.address() as { port: number }).port;
    const clients = [createConnection(port, "127.0.0.1"), createConnection(port, "::1")];
    await Promise.all(clients.map((c) => new Promise((r) => c.once("connect", r))));
    try {
      const flows = establishedFlows(process.pid);
      // The server's end of the IPv4 client sits in tcp6 as ::ffff:127.0.0.1.
      expect(flows).toContainEqual({
        family: "ip",
        local: "127.0.0.1",
        localPort: port,
        remote: "127.0.0.1",
        remotePort: clients[0]!.localPort,
      });
      expect(flows).toContainEqual({
        family: "ip6",
        local: "0:0:0:0:0:0:0:1",
        localPort: port,
        remote: "0:0:0:0:0:0:0:1",
        remotePort: clients[1]!.localPort,
      });
    } finally {
      for (const s of [...clients, ...accepted]) s.destroy();
      server.close();
    }
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (lines) => {
        expect(Array.isArray(parseProcNetTcp(lines.join("\n")))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
