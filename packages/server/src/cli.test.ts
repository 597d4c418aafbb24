/**
 * The real CLI in child processes (`node --import tsx src/cli/bin.ts`), a real client (curl) for the
 * session flow, openssl for the TLS certificate.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");
const tsx = fileURLToPath(import.meta.resolve("tsx"));
let dir: string;

function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", tsx, bin, "--cache-dir", join(dir, "cache"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "", ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function curl(args: string[]): { code: number; body: string } {
  const out = execFileSync("curl", ["-s", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const i = out.lastIndexOf("\n");
  return { code: Number(out.slice(i + 1)), body: out.slice(0, i) };
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function serve(args: string[]): Promise<{
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}> {
  const child = spawn(
    process.execPath,
    ["--import", tsx, bin, "--cache-dir", join(dir, "cache"), "serve", ...args],
    { env: { ...process.env, NODE_OPTIONS: "" } },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!/listening on/.test(err) && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  return { child, stdout: () => out, stderr: () => err, exit };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bulwark serve, admin and scan --server through the real CLI", () => {
  it("runs end to end: setup token, offline admin, curl session with CSRF, scan upload, SIGTERM", async () => {
    const data = join(dir, "data");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const srv = await serve(["--listen", `127.0.0.1:${port}`, "--data-dir", data]);
    try {
      expect(srv.stdout()).toMatch(/one-time setup token/);
      const setup = srv.stdout().trim().split("\n").pop()!;
      expect(setup).toMatch(/^bwsetup_/);

      // Offline admin commands on the same data dir while the server runs.
      const user = cli(["admin", "create-user", "alice", "--role", "security", "--data-dir", data], {
        BULWARK_PASSWORD: "alice's long password",
      });
      expect([user.code, user.stdout.trim()]).toEqual([0, "created user alice (security)"]);
      const made = cli(["admin", "create-token", "--scope", "ingest", "--name", "ci", "--data-dir", data]);
      expect(made.code).toBe(0);
      const ingest = made.stdout.trim();
      expect(ingest).toMatch(/^bwk_/);
      const bad = cli(["admin", "create-token", "--scope", "everything", "--data-dir", data]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe(
        'bulwark: USAGE: unknown scope "everything" (expected ingest, read, admin)',
      );

      // curl: login, cookie jar, CSRF.
      const jar = join(dir, "jar");
      const login = curl([
        "-c",
        jar,
        "-H",
        "content-type: application/json",
        "-d",
        JSON.stringify({ name: "alice", password: "alice's long password" }),
        `${url}/api/v1/login`,
      ]);
      expect(login.code).toBe(200);
      const csrf = (JSON.parse(login.body) as { csrfToken: string }).csrfToken;
      expect(curl(["-b", jar, `${url}/api/v1/findings`]).code).toBe(200);
      const noCsrf = curl([
        "-b",
        jar,
        "-H",
        "content-type: application/json",
        "-d",
        "{}",
        `${url}/api/v1/logout`,
      ]);
      expect(noCsrf.code).toBe(403);
      expect(
        curl([
          "-b",
          jar,
          "-H",
          `x-csrf-token: ${csrf}`,
          "-H",
          "content-type: application/json",
          "-d",
          "{}",
          `${url}/api/v1/logout`,
        ]).code,
      ).toBe(200);

      // A real scan, uploaded.
      const proj = join(dir, "proj");
      execFileSync("mkdir", ["-p", proj]);
      writeFileSync(join(proj, "Dockerfile"), "FROM debian:latest\nRUN apt-get update\nUSER root\n");
      const scan = cli([
        "scan",
        "config",
        proj,
        "--format",
        "json",
        "--output",
        join(dir, "report.json"),
        "--server",
        url,
        "--token",
        ingest,
      ]);
      expect(scan.code, scan.stderr).toBe(0);
      expect(scan.stderr).toMatch(/uploaded to http:\/\/127\.0\.0\.1:\d+: scan r-[0-9a-f-]+, \d+ new/);
      const findings = curl(["-H", `authorization: Bearer ${ingest}`, `${url}/api/v1/findings`]);
      expect(findings.code).toBe(403); // an ingest token cannot read what it sent
      const readTok = cli(["admin", "create-token", "--scope", "read", "--data-dir", data]).stdout.trim();
      const listed = JSON.parse(
        curl(["-H", `authorization: Bearer ${readTok}`, `${url}/api/v1/findings?kind=misconfiguration`]).body,
      ) as { items: unknown[] };
      const report = JSON.parse(execFileSync("cat", [join(dir, "report.json")], { encoding: "utf8" })) as {
        findings: unknown[];
      };
      expect(listed.items.length).toBe(report.findings.length);
      expect(listed.items.length).toBeGreaterThan(0);

      // Wrong token: one clear line, exit 2.
      const refused = cli(["scan", "config", proj, "--server", url, "--token", "bwk_wrong"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/UPLOAD_FAILED: server refused the report: 401 UNAUTHENTICATED/);
    } finally {
      srv.child.kill("SIGTERM");
    }
    expect(await srv.exit).toBe(0);
    expect(srv.stderr()).toMatch(/SIGTERM received, draining[\s\S]*stopped/);
  }, 240_000);

  it("refuses a non-loopback address without TLS, and serves TLS with a given certificate", async () => {
    const insecure = cli(["serve", "--listen", "0.0.0.0:0", "--data-dir", join(dir, "d2")]);
    expect(insecure.code).toBe(2);
    expect(insecure.stderr.trim()).toMatch(
      /^bulwark: LISTEN_INSECURE: refusing to listen on non-loopback 0\.0\.0\.0 without TLS/,
    );
    expect(insecure.stderr).not.toMatch(/\n\s+at /);

    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const port = await freePort();
    const srv = await serve([
      "--listen",
      `0.0.0.0:${port}`,
      "--data-dir",
      join(dir, "d3"),
      "--tls-cert",
      cert,
      "--tls-key",
      key,
    ]);
    try {
      const health = curl(["--cacert", cert, `https://127.0.0.1:${port}/api/v1/health`]);
      expect([health.code, health.body]).toEqual([200, '{"ok":true}']);
    } finally {
      srv.child.kill("SIGTERM");
    }
    expect(await srv.exit).toBe(0);
  }, 120_000);
});
