/**
 * A real PostgreSQL 15 for tests: `initdb` into a temporary directory and `postgres` on a free
 * loopback port, run as the unprivileged `postgres` user when we are root (PostgreSQL refuses root).
 * Password authentication (scram) so the URL carries credentials like a deployment would.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface RunningPostgres {
  /** postgres://bulwark:…@127.0.0.1:PORT/postgres (the maintenance database). */
  url: string;
  port: number;
  /** Creates a fresh empty database and returns its URL (one per test file keeps tests apart). */
  createDatabase(name?: string): Promise<string>;
  /** SIGINT = PostgreSQL "fast shutdown"; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Stops the server but keeps its data directory, for restart() (a database that goes away and comes back). */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

const USER = "bulwark";
let counter = 0;

export async function startPostgres(): Promise<RunningPostgres> {
  const root = mkdtempSync(join(tmpdir(), "bulwark-pg-"));
  const dataDir = join(root, "data");
  const password = `pw${process.pid}${Date.now()}`;
  const owner = unprivilegedOwner();
  const pwfile = join(root, "pw");
  writeFileSync(pwfile, `${password}\n`);
  if (owner) {
    chownSync(root, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  chmodSync(root, 0o700);
  await runTool(
    join(PG_BIN, "initdb"),
    ["-D", dataDir, "-U", USER, "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--no-sync"],
    owner,
  );
  const port = await freePort();
  let child = spawnServer(dataDir, root, port, owner);
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  await waitReady(url, child);

  const stopChild = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGINT");
    await exited;
  };
  return {
    url,
    port,
    async createDatabase(name) {
      const db = name ?? `t${process.pid}_${Date.now()}_${counter++}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${db.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return url.replace(/\/postgres$/, `/${db}`);
    },
    pause: stopChild,
    async restart() {
      await stopChild();
      child = spawnServer(dataDir, root, port, owner);
      await waitReady(url, child);
    },
    async stop() {
      await stopChild();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function unprivilegedOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

function spawnServer(
  dataDir: string,
  socketDir: string,
  port: number,
  owner?: { uid: number; gid: number },
): ChildProcess {
  const args = ["-D", dataDir, "-p", String(port), "-k", socketDir, "-c", "listen_addresses=127.0.0.1"];
  // Test speed only: a crash of the test machine may lose the test database, nothing else.
  args.push(
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=300",
  );
  const child = spawn(join(PG_BIN, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"], ...owner });
  child.stderr?.resume();
  return child;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (e) {
      last = e;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`postgres did not become ready: ${String(last)}`);
}

function runTool(cmd: string, args: string[], owner?: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], ...owner });
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} failed (${code}): ${err.slice(-2000)}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
