/**
 * `npm run bench -- vault [--requests N] [--concurrency C] [--versions N] [--no-postgres] [--only sqlite|postgres|kek]`
 *
 * The vault over HTTP (a real `bulwark vault serve` child process) on SQLite and PostgreSQL:
 * write and read latency p50/p99 and throughput with C concurrent keep-alive clients, a
 * paced 500 req/s read run (goal: p99 < 5 ms on SQLite), unseal time, and KEK rotation time
 * for N secret versions (in-process, rows created with the same envelope format).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { encryptEnvelope } from "../packages/vault/src/crypto/aead.js";
import { aadOf } from "../packages/vault/src/kv/engine.js";
import { openVault } from "../packages/vault/src/open.js";
import { startPostgres } from "../packages/store/src/testing/index.js";
import { startChild, tempDataDir } from "../packages/vault/src/testing/server.js";

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

function call(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent,
        headers: {
          ...(token ? { "X-Vault-Token": token } : {}),
          ...(data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface RunResult {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
}

/** C clients, each issuing requests back to back until `total` are done. */
async function closedLoop(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<number>,
): Promise<RunResult> {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const status = await op(i).catch(() => 599);
        lat.push(performance.now() - t0);
        if (status >= 300) errors++;
      }
    }),
  );
  const secs = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99), rps: total / secs, errors };
}

/** Requests started at a fixed rate (open loop), at most `concurrency` in flight. */
async function paced(
  rate: number,
  seconds: number,
  concurrency: number,
  op: (i: number) => Promise<number>,
): Promise<RunResult> {
  const lat: number[] = [];
  let errors = 0;
  let inFlight = 0;
  let dropped = 0;
  const total = rate * seconds;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= concurrency) {
      dropped++;
      continue;
    }
    inFlight++;
    const t0 = performance.now();
    pending.push(
      op(i)
        .catch(() => 599)
        .then((status) => {
          inFlight--;
          lat.push(performance.now() - t0);
          if (status >= 300) errors++;
        }),
    );
  }
  await Promise.all(pending);
  lat.sort((a, b) => a - b);
  return {
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    rps: lat.length / ((performance.now() - start) / 1000),
    errors: errors + dropped,
  };
}

const fmt = (r: RunResult): string =>
  `p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  ${r.rps.toFixed(0)} req/s  errors ${r.errors}`;

async function httpRuns(
  label: string,
  databaseUrl: string | undefined,
  requests: number,
  concurrency: number,
): Promise<void> {
  const dataDir = tempDataDir();
  const server = await startChild(dataDir, databaseUrl ? ["--database", databaseUrl] : []);
  try {
    const url = server.url;
    const init = JSON.parse(
      (await call(url, "PUT", "/v1/sys/init", undefined, { secret_shares: 5, secret_threshold: 3 })).text,
    ) as { keys: string[]; root_token: string };
    await call(url, "PUT", "/v1/sys/unseal", undefined, { key: init.keys[0] });
    await call(url, "PUT", "/v1/sys/unseal", undefined, { key: init.keys[1] });
    const t0 = performance.now();
    await call(url, "PUT", "/v1/sys/unseal", undefined, { key: init.keys[2] });
    const unsealMs = performance.now() - t0;
    const root = init.root_token;
    await call(url, "POST", "/v1/sys/mounts/secret", root, { type: "kv", options: { version: "2" } });
    const keys = 1000;
    const write = await closedLoop(
      requests,
      concurrency,
      async (i) =>
        (
          await call(url, "POST", `/v1/secret/data/bench/k${i % keys}`, root, {
            data: { password: `value-${i}-${"x".repeat(64)}` },
          })
        ).status,
    );
    const read = await closedLoop(
      requests,
      concurrency,
      async (i) => (await call(url, "GET", `/v1/secret/data/bench/k${i % keys}`, root)).status,
    );
    const pacedRead = await paced(
      500,
      10,
      concurrency,
      async (i) => (await call(url, "GET", `/v1/secret/data/bench/k${i % keys}`, root)).status,
    );
    console.log(`${label}: unseal (threshold share, HTTP round trip) ${unsealMs.toFixed(2)} ms`);
    console.log(`${label}: write, ${concurrency} clients, ${requests} req: ${fmt(write)}`);
    console.log(`${label}: read,  ${concurrency} clients, ${requests} req: ${fmt(read)}`);
    console.log(
      `${label}: read paced 500 req/s for 10 s:        ${fmt(pacedRead)}   (goal on SQLite: p99 < 5 ms)`,
    );
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
}

async function kekRotation(versions: number): Promise<void> {
  const v = await openVault({ dataDir: tempDataDir() });
  try {
    const init = await v.core.initialize(1, 1);
    await v.core.submitUnsealKey((init["keys"] as string[])[0], false);
    const k = v.core.seal.keys();
    const kek = k.keks.get(k.active)!;
    const batch = 5000;
    for (let start = 0; start < versions; start += batch)
      await v.store.transaction(async (tx) => {
        for (let i = start; i < Math.min(versions, start + batch); i++) {
          const path = `rot/k${i}`;
          const env = encryptEnvelope(
            kek,
            Buffer.from(JSON.stringify({ v: `value-${i}` })),
            aadOf("secret", path, 1),
          );
          await tx.exec(
            "INSERT INTO vault_kv_versions (mount, path, version, created, deletion, destroyed, kek_version, wrapped_key, ciphertext) VALUES ('secret',$1,1,$2,0,0,$3,$4,$5)",
            [path, Date.now(), k.active, env.wrappedKey, env.ciphertext],
          );
        }
      });
    const t0 = performance.now();
    const res = await v.core.rotateKek();
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `KEK rotation (SQLite): ${res.rewrapped} data keys re-wrapped in ${secs.toFixed(2)} s (${(res.rewrapped / secs).toFixed(0)}/s), ${res.failed.length} failed`,
    );
  } finally {
    await v.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const requests = arg(args, "--requests", 20000);
  const concurrency = arg(args, "--concurrency", 100);
  const versions = arg(args, "--versions", 100000);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  if (!only || only === "sqlite") await httpRuns("SQLite", undefined, requests, concurrency);
  if ((!only || only === "postgres") && !args.includes("--no-postgres")) {
    const pg = await startPostgres();
    try {
      await httpRuns("PostgreSQL", await pg.createDatabase(), requests, concurrency);
    } finally {
      await pg.stop();
    }
  }
  if (!only || only === "kek") await kekRotation(versions);
  agent.destroy();
}
