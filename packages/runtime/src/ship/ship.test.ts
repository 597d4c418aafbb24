/**
 * The agent's disk spool against a real `bulwark serve` (SQLite): alerts and evidence sent
 * while the server is down wait on disk, survive an agent restart, and arrive exactly once
 * when the server is back on the same address; re-sent batches are not stored twice.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createToken } from "../../../server/src/repo/identity.js";
import { startServer, type RunningServer } from "../../../server/src/serve.js";
import { call } from "../../../server/src/testing/index.js";
import { DiskSpool } from "./spool.js";
import { Shipper } from "./shipper.js";
import { HttpTransport } from "./transport.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-ship-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alert = (n: number) => ({
  id: `al-test-${String(n).padStart(4, "0")}`,
  rule: "Terminal shell in container",
  severity: "MEDIUM",
  message: `shell ${n}`,
  at: new Date(Date.UTC(2026, 11, 4, 10, 0, n)).toISOString(),
  data: { n },
});

describe("disk spool", () => {
  it("keeps batches in order across a restart of the agent", () => {
    const d = join(dir, "order");
    const a = new DiskSpool(d, 1 << 20);
    for (let i = 0; i < 12; i++) a.append({ route: "alerts", items: [alert(i)] });
    const b = new DiskSpool(d, 1 << 20);
    const seen: number[] = [];
    for (let next = b.peek(); next; next = b.peek()) {
      seen.push((next.batch.items[0] as { data: { n: number } }).data.n);
      b.remove(next.name);
    }
    expect(seen).toEqual([...Array(12).keys()]);
    b.append({ route: "alerts", items: [alert(99)] });
    expect(readdirSync(d)).toEqual(["0000000000000013.json"]);
  });

  it("stays under its bound by dropping the oldest batches, and counts what it dropped", () => {
    const d = join(dir, "bound");
    const one = JSON.stringify({ route: "alerts", items: [alert(0)] }).length;
    const s = new DiskSpool(d, one * 3 + 10);
    for (let i = 0; i < 10; i++) s.append({ route: "alerts", items: [alert(i)] });
    const st = s.snapshot();
    expect(st.pending).toBe(3);
    expect(st.dropped).toBe(7);
    expect(st.bytes).toBeLessThanOrEqual(one * 3 + 10);
    expect((s.peek()!.batch.items[0] as { data: { n: number } }).data.n).toBe(7);
  });
});

const root = process.getuid?.() === 0;
if (!root) console.warn("ship.test: the full-disk case skipped: needs root (to mount a small tmpfs)");

describe.skipIf(!root)("disk spool on a full disk", () => {
  it("counts what it could not write, leaves no partial file, and keeps what it had", () => {
    const d = join(dir, "full");
    mkdirSync(d);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", d]);
    try {
      const s = new DiskSpool(join(d, "spool"), 1 << 30);
      const big = (n: number) => ({ ...alert(n), message: "x".repeat(4000) });
      let written = 0;
      for (let i = 0; i < 40; i++) if (s.append({ route: "alerts", items: [big(i)] })) written++;
      const st = s.snapshot();
      expect(written).toBeGreaterThan(0);
      expect(st.unwritable).toBe(40 - written);
      expect(st.pending).toBe(written);
      expect(readdirSync(join(d, "spool")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
      expect((s.peek()!.batch.items[0] as { data: { n: number } }).data.n).toBe(0);
    } finally {
      execFileSync("umount", [d]);
    }
  });
});

describe("shipping to a server that goes away and comes back", () => {
  it("loses nothing and stores each alert and evidence item once", async () => {
    const dataDir = join(dir, "server");
    const first = await startServer({ listen: "127.0.0.1:0", dataDir, log: () => undefined });
    const port = (first.app.server.address() as { port: number }).port;
    const ingest = (await createToken(first.store, { scope: "ingest", name: "agent" })).secret;
    const read = (await createToken(first.store, { scope: "read", name: "reader" })).secret;
    await first.stop();

    const url = `http://127.0.0.1:${port}`;
    const spoolDir = join(dir, "spool");
    const logs: string[] = [];
    const mk = () =>
      new Shipper({
        transport: new HttpTransport(url, ingest, (l) => logs.push(l)),
        spool: new DiskSpool(spoolDir, 1 << 24),
        log: (l) => logs.push(l),
        intervalMs: 50,
        maxBackoffMs: 200,
      });
    // Agent 1 runs while the server is down: everything lands in the spool.
    const agent1 = mk();
    agent1.start();
    for (let i = 0; i < 30; i++) {
      agent1.enqueue("alerts", alert(i));
      if (i % 10 === 9) await agent1.tick();
    }
    agent1.enqueue("evidence", {
      id: "ev-test-1",
      asset: `sha256:${"a".repeat(64)}`,
      kind: "listening_ports",
      from: "2026-12-04T10:00:00.000Z",
      to: "2026-12-04T10:05:00.000Z",
      data: { ports: [8080] },
    });
    await agent1.stop();
    expect(agent1.stats.sent).toBe(0);
    expect(agent1.stats.pending).toBe(4);
    expect(logs.join("\n")).toMatch(/spooling to/);

    // The server comes back on the same address; a new agent replays the spool.
    let second: RunningServer | undefined;
    try {
      second = await startServer({ listen: `127.0.0.1:${port}`, dataDir, log: () => undefined });
      const agent2 = mk();
      agent2.start();
      await until("the spool to drain", () => agent2.stats.pending === 0);
      expect(agent2.stats.sent).toBe(31);
      // A batch whose acknowledgement was lost is sent again: nothing is stored twice.
      agent2.enqueue("alerts", alert(3));
      agent2.enqueue("alerts", alert(29));
      await until("the re-send", () => agent2.stats.sent === 33);
      await agent2.stop();
      const alerts = await call(second, "GET", "/api/v1/alerts?limit=1000", { token: read });
      const items = alerts.body.items as Array<{ id: string; message: string }>;
      expect(items.map((a) => a.id).sort()).toEqual([...Array(30).keys()].map((n) => alert(n).id));
      const ev = await call(second, "GET", "/api/v1/evidence?limit=100", { token: read });
      expect((ev.body.items as Array<{ kind: string }>).map((e) => e.kind)).toEqual(["listening_ports"]);
      expect(readdirSync(spoolDir).filter((n) => n.endsWith(".json"))).toEqual([]);
    } finally {
      await second?.stop();
    }
  }, 120_000);
});
