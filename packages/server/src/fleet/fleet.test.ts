/**
 * Fleet ingestion with real parts: nats-server with JetStream, a real PostgreSQL, two
 * `bulwark serve --nats` processes (the real CLI); agents publish; one instance is SIGKILLed
 * mid-stream; every report must end up in the store exactly once.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../../store/src/index.js";
import { PG_BIN, startPostgres, type RunningPostgres } from "../../../store/src/testing/index.js";
import { missingTools } from "../../../testkit/src/tools.js";
import { report, vuln } from "../testing/index.js";
import { DiskSpool, Shipper } from "../../../runtime/src/ship/index.js";
import { NatsTransport, runtimeSubject } from "../../../runtime/src/ship/nats.js";
import { connectNats, publishReport, reportSubject } from "./nats.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");
const tsx = fileURLToPath(import.meta.resolve("tsx"));

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function natsAnswers(url: string): Promise<boolean> {
  try {
    await (await connectNats({ servers: url })).close();
    return true;
  } catch {
    return false;
  }
}

let dir: string;
let pg: RunningPostgres;
let nats: ChildProcess;
let natsUrl: string;
let dbUrl: string;
let store: Store;

function instance(): {
  child: ChildProcess;
  ready: Promise<void>;
  exit: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(
    process.execPath,
    [
      "--import",
      tsx,
      bin,
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--database",
      dbUrl,
      "--nats",
      natsUrl,
      "--nats-ack-wait",
      "3",
    ],
    {
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  const ready = new Promise<void>((res, rej) => {
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      if (/listening on/.test(err)) res();
    });
    child.on("exit", (code) => rej(new Error(`instance exited ${code}: ${err}`)));
  });
  ready.catch(() => undefined);
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, ready, exit, stderr: () => err };
}

// Without nats-server the setup would wait out its timeout: skip and say why instead.
const missing = missingTools(["nats-server", `${PG_BIN}/postgres`]);

describe.skipIf(missing.length > 0)(
  `fleet ingestion over NATS JetStream${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "bulwark-fleet-"));
      pg = await startPostgres();
      dbUrl = await pg.createDatabase();
      const port = await freePort();
      natsUrl = `nats://127.0.0.1:${port}`;
      nats = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", join(dir, "js")], {
        stdio: "ignore",
      });
      await waitFor("nats-server", () => natsAnswers(natsUrl));
      store = await openStore({ databaseUrl: dbUrl });
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      nats?.kill("SIGTERM");
      await pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("two instances, one killed mid-stream: every report is stored exactly once", async () => {
      const a = instance();
      const b = instance();
      await Promise.all([a.ready, b.ready]);
      const nc = await connectNats({ servers: natsUrl });
      const total = 300;
      const count = async (): Promise<number> =>
        (await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM scans"))[0]!.n;
      try {
        const publishing = (async () => {
          for (let i = 0; i < total; i++) {
            const upload = {
              reportId: `r-fleet-${String(i).padStart(4, "0")}`,
              report: report(`node-${i % 7}/pod-${i}`, [vuln(`CVE-F-${i}`, `p${i}`, "1")]),
            };
            await publishReport(nc, reportSubject(`cluster-${i % 2}`, `node-${i % 7}`), upload);
            if (i % 50 === 0) await publishReport(nc, reportSubject("cluster-0", "retry"), upload); // an agent's re-send
            if (i % 20 === 0) await new Promise((r) => setTimeout(r, 50)); // agents report over time
          }
        })();
        await waitFor("some reports stored", async () => (await count()) >= 30);
        a.child.kill("SIGKILL");
        const atKill = await count();
        expect(atKill).toBeLessThan(total); // killed mid-stream
        expect(await a.exit).toBeNull();
        await publishing;
        await waitFor(`all ${total} reports stored`, async () => (await count()) >= total, 180_000);
        await new Promise((r) => setTimeout(r, 4000)); // past the ack wait: any redelivery would have landed
        const rows = await store.query<{ id: string; n: number }>(
          "SELECT id, COUNT(*) AS n FROM scans GROUP BY id",
        );
        expect(rows.length).toBe(total);
        expect(rows.every((r) => r.n === 1)).toBe(true);
        const events = await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM finding_events");
        expect(events[0]!.n).toBe(total);
        const actors = await store.query<{ actor: string }>("SELECT DISTINCT actor FROM scans");
        expect(actors.every((r) => r.actor.startsWith("nats:bulwark.reports."))).toBe(true);
      } finally {
        await nc.close();
        b.child.kill("SIGTERM");
        a.child.kill("SIGKILL");
      }
      expect(await b.exit).toBe(0);
    }, 400_000);

    it("runtime agents: alerts and evidence over NATS reach the store once, across an outage, and bad batches are dropped", async () => {
      const alert = (n: number) => ({
        id: `al-nats-${String(n).padStart(4, "0")}`,
        rule: "Terminal shell in container",
        severity: "MEDIUM",
        message: `shell ${n}`,
        at: new Date(Date.UTC(2026, 11, 5, 10, 0, n)).toISOString(),
        data: { n },
      });
      const evidence = {
        id: "ev-nats-1",
        asset: `sha256:${"c".repeat(64)}`,
        kind: "listening_ports",
        from: "2026-12-05T10:00:00.000Z",
        to: "2026-12-05T10:05:00.000Z",
        data: { ports: [8080] },
      };
      const spoolDir = join(dir, "agent-spool");
      const logs: string[] = [];
      const agent = (url: string) =>
        new Shipper({
          transport: new NatsTransport(url, "prod", "node-1", (l) => logs.push(l)),
          spool: new DiskSpool(spoolDir, 1 << 24),
          log: (l) => logs.push(l),
          intervalMs: 50,
          maxBackoffMs: 200,
        });
      // NATS unreachable: everything stays in the agent's spool.
      const cut = agent(`nats://127.0.0.1:${await freePort()}`);
      for (let i = 0; i < 20; i++) cut.enqueue("alerts", alert(i));
      cut.enqueue("evidence", evidence);
      await cut.stop();
      expect(cut.stats).toMatchObject({ sent: 0, pending: 2 });
      // The agent restarts with NATS back: the spool drains, then more alerts and a re-send.
      const back = agent(natsUrl);
      back.start();
      for (let i = 20; i < 30; i++) back.enqueue("alerts", alert(i));
      back.enqueue("alerts", alert(3));
      await back.stop();
      expect(back.stats).toMatchObject({ sent: 32, pending: 0 });
      // A batch that is not what the API takes is dropped by the consumer, not stored.
      const nc = await connectNats({ servers: natsUrl });
      await nc
        .jetstream()
        .publish(runtimeSubject("alerts", "prod", "forged"), Buffer.from('{"alerts":[{"rule":1}]}'));
      await nc.close();

      const srv = instance();
      try {
        await srv.ready;
        const alerts = () =>
          store.query<{ id: string; node: string | null }>(
            "SELECT id, node FROM alerts WHERE id LIKE 'al-nats-%' ORDER BY id",
          );
        await waitFor("30 alerts stored", async () => (await alerts()).length >= 30);
        const evidenceRows = await store.query<{ id: string }>(
          "SELECT id FROM evidence WHERE id = 'ev-nats-1'",
        );
        expect(evidenceRows).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 1000)); // any duplicate would land meanwhile
        expect((await alerts()).map((a) => a.id)).toEqual([...Array(30).keys()].map((n) => alert(n).id));
        expect(await store.query("SELECT id FROM alerts WHERE rule = '1'")).toEqual([]);
      } finally {
        srv.child.kill("SIGTERM");
      }
      expect(await srv.exit).toBe(0);
      expect(srv.stderr()).toMatch(/dropping malformed message on bulwark\.runtime\.alerts\.prod\.forged/);
    }, 300_000);

    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", tsx, bin, "--cache-dir", join(dir, "cache"), ...args], {
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "" },
      });

    it("bulwark scan --nats: CI publishes a report, with its manifests' exposure, that an instance ingests", async () => {
      const tree = mkdtempSync(join(dir, "tree-"));
      // Hand-written: the transport is under test here; manifest-exposure.test.ts reads kubectl's.
      writeFileSync(
        join(tree, "web.yaml"),
        [
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  selector: { matchLabels: { app: web } }",
          "  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: web, image: registry.example/web:1 }] }",
          "---\napiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80 }] }\n",
        ].join("\n"),
      );
      const subject = reportSubject("ci", hostname());
      const run = cli(
        "scan",
        "config",
        tree,
        "--nats",
        natsUrl,
        "--nats-cluster",
        "ci",
        "--output",
        join(dir, "r.json"),
      );
      expect(run.stderr).toContain(`published to ${natsUrl}: ${subject}, stream BULWARK_REPORTS #`);
      expect(run.status).toBe(0);
      // Published before any instance runs: the report waits in the stream until one starts.
      const srv = instance();
      try {
        await srv.ready;
        const scans = () =>
          store.query<{ asset: string }>("SELECT asset FROM scans WHERE actor = $1", [`nats:${subject}`]);
        await waitFor("the published report stored", async () => (await scans()).length === 1);
        const [exposure] = await store.query<{ items: string }>(
          "SELECT items FROM manifest_exposure WHERE source = $1",
          [(await scans())[0]!.asset],
        );
        expect(JSON.parse(exposure!.items)).toEqual([
          expect.objectContaining({ image: "registry.example/web:1", serviceType: "LoadBalancer" }),
        ]);
      } finally {
        srv.child.kill("SIGTERM");
      }
      expect(await srv.exit).toBe(0);
    }, 300_000);

    it("bulwark scan --nats: an unreachable server or mixed flags fail with one line", async () => {
      const closed = `nats://127.0.0.1:${await freePort()}`;
      const down = cli(
        "scan",
        "config",
        dir,
        "--scanners",
        "misconfig",
        "--nats",
        closed,
        "--output",
        join(dir, "d.json"),
      );
      expect(down.status).toBe(2);
      expect(down.stderr).toMatch(
        new RegExp(`^bulwark: NATS_UNAVAILABLE: cannot reach NATS at ${closed}: .*\\n$`),
      );
      const mixed = cli("scan", "config", dir, "--nats", natsUrl, "--server", "http://127.0.0.1:1");
      expect(mixed.status).toBe(2);
      expect(mixed.stderr).toMatch(/^bulwark: USAGE: --nats publishes instead of uploading/);
      const alone = cli("scan", "config", dir, "--nats-cluster", "ci");
      expect(alone.stderr).toMatch(/^bulwark: USAGE: --nats-cluster needs --nats/);

      // A report larger than the server's max_payload is refused before it is sent, by name.
      const port = await freePort();
      writeFileSync(join(dir, "small.conf"), `port: ${port}\nnet: 127.0.0.1\nmax_payload: 512\n`);
      const small = spawn("nats-server", ["-c", join(dir, "small.conf")], { stdio: "ignore" });
      try {
        const url = `nats://127.0.0.1:${port}`;
        await waitFor("the small nats-server", () => natsAnswers(url));
        const big = cli("scan", "config", dir, "--nats", url, "--output", join(dir, "b.json"));
        expect(big.status).toBe(2);
        expect(big.stderr).toMatch(
          /^bulwark: UPLOAD_FAILED: the report is [\d.]+ KiB and the NATS server takes at most 0\.5 KiB per message \(its max_payload\)/,
        );
      } finally {
        small.kill("SIGTERM");
      }
    }, 120_000);
  },
);
