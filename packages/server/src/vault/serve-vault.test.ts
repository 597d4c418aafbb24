/**
 * `bulwark serve --vault` through the real CLI (a child process) and the real npm Vault client
 * node-vault: the vault API and the platform API in one process over one store, vault alerts
 * through the runtime's alert outputs (a file output) and into the server's alerts table,
 * loopback by default, and a clean SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import nodeVault from "node-vault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRuntimeEvent } from "@bulwark/runtime";
import { openStore } from "@bulwark/store";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");
const tsx = fileURLToPath(import.meta.resolve("tsx"));
const VALUE = `serve-vault-plain-${Date.now()}-kq`;
let dir: string;

interface Served {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
  url: string;
  vaultUrl: string;
}

async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serve(args: string[]): Promise<Served> {
  // NODE_OPTIONS inherited: the child runs the sources (vitest.config.ts), not a stale dist/
  const child = spawn(process.execPath, ["--import", tsx, bin, "serve", ...args]);
  let err = "";
  child.stdout.resume();
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const vaultUrl = await until("the vault's listening line", () => {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
    return /vault listening on (http:\/\/[\d.]+:\d+)/.exec(err)?.[1];
  });
  const url = /serve: listening on (http:\/\/[\d.]+:\d+)/.exec(err)![1]!;
  return { child, stderr: () => err, exit, url, vaultUrl };
}

async function status(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return 200;
  } catch (e) {
    return (e as { response?: { statusCode?: number } }).response?.statusCode;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-serve-vault-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bulwark serve --vault", () => {
  it("serves the vault API beside the platform API over one store, alerts through runtime outputs, stops on SIGTERM", async () => {
    const data = join(dir, "d1");
    const alertFile = join(dir, "vault-alerts.jsonl");
    const srv = await serve([
      "--vault",
      "--listen",
      "127.0.0.1:0",
      "--vault-listen",
      "127.0.0.1:0",
      "--data-dir",
      data,
      "--vault-alert-output",
      `file:${alertFile}`,
    ]);
    try {
      expect(srv.vaultUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
      expect((await fetch(`${srv.url}/api/v1/openapi.json`)).status).toBe(200);

      const anon = nodeVault({ endpoint: srv.vaultUrl });
      const init = (await anon.init({ secret_shares: 1, secret_threshold: 1 })) as {
        keys: string[];
        root_token: string;
      };
      await anon.unseal({ key: init.keys[0]! });
      const root = nodeVault({ endpoint: srv.vaultUrl, token: init.root_token });
      await root.mount({ mount_point: "secret", type: "kv", options: { version: "2" } });
      await root.write("secret/data/app/db", { data: { password: VALUE } });
      expect((await root.read("secret/data/app/db")).data.data.password).toBe(VALUE);

      await root.addPolicy({ name: "none", rules: 'path "secret/data/other/*" { capabilities = ["read"] }' });
      const created = (await root.tokenCreate({ policies: ["none"], ttl: "1h" })) as {
        auth: { client_token: string };
      };
      const limited = nodeVault({ endpoint: srv.vaultUrl, token: created.auth.client_token });
      for (let i = 0; i < 10; i++) expect(await status(limited.read("secret/data/app/db"))).toBe(403);

      // the runtime's file output: one JSON alert per line, in the runtime's alert shape
      const alerts = await until("the vault alerts in the output file", () => {
        let text: string;
        try {
          text = readFileSync(alertFile, "utf8");
        } catch {
          return undefined;
        }
        const lines = text
          .split("\n")
          .filter(Boolean)
          .map(
            (l) => JSON.parse(l) as { rule: string; source: string; event: { type: string; path: string } },
          );
        const rules = new Set(lines.map((l) => l.rule));
        return rules.has("Vault: root token used") && rules.has("Vault: burst of denied requests")
          ? { lines, text }
          : undefined;
      });
      for (const a of alerts.lines) {
        expect(a.source).toBe("vault");
        expect(a.event.type).toBe("secret_access");
        // a valid event of the runtime's model, as replay and the rules read it
        expect(checkRuntimeEvent(a.event)).toMatchObject({ ok: true });
      }
      expect(alerts.lines.find((l) => l.rule === "Vault: burst of denied requests")!.event.path).toBe(
        "secret/data/app/db",
      );
      expect(alerts.text).not.toContain(VALUE);
    } finally {
      srv.child.kill("SIGTERM");
    }
    expect(await srv.exit).toBe(0);
    expect(srv.stderr()).toMatch(/SIGTERM received, draining[\s\S]*stopped/);
    expect(srv.stderr()).not.toContain(VALUE);
    await expect(fetch(`${srv.vaultUrl}/v1/sys/health`)).rejects.toThrow();

    // one store: one database file holding the server's and the vault's tables and alerts
    expect(readdirSync(data).filter((f) => f.endsWith(".db"))).toEqual(["bulwark.db"]);
    const store = await openStore({ dataDir: data });
    try {
      const ns = await store.query<{ namespace: string }>("SELECT DISTINCT namespace FROM schema_migrations");
      expect(ns.map((r) => r.namespace)).toEqual(
        expect.arrayContaining(["server", "vault", "vault_workload"]),
      );
      const kv = await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM vault_kv_versions");
      expect(Number(kv[0]!.n)).toBe(1);
      const stored = await store.query<{ rule: string }>("SELECT rule FROM alerts WHERE rule LIKE 'Vault:%'");
      expect(stored.map((r) => r.rule)).toEqual(
        expect.arrayContaining(["Vault: root token used", "Vault: burst of denied requests"]),
      );
    } finally {
      await store.close();
    }
  }, 180_000);

  it("refuses a non-loopback vault address without TLS (one line, exit 2)", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        tsx,
        bin,
        "serve",
        "--vault",
        "--listen",
        "127.0.0.1:0",
        "--vault-listen",
        "0.0.0.0:0",
        "--data-dir",
        join(dir, "d2"),
      ],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/0\.0\.0\.0/);
  }, 150_000);
});
