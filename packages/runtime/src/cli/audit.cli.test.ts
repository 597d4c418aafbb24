/**
 * `bulwark runtime audit …` run as a real process. Audit events are hand-written from the
 * audit.k8s.io/v1 schema (no API server runs here); the webhook is exercised with real
 * HTTP and HTTPS (a certificate made by openssl) POSTs of EventLists.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../testkit/paths.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-audit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const testdata = (n: string): string => resolve(import.meta.dirname, "../audit/testdata", n);
const CLI = ["--import", "tsx", resolve(REPO_ROOT, "packages/cli/src/bin.ts")];

function bulwark(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Polls until `check` returns a value (generous overall limit; no fixed sleeps). */
async function until<T>(what: string, check: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const auditLines = readFileSync(testdata("audit.jsonl"), "utf8").split("\n").filter(Boolean);
const eventList = JSON.stringify({
  kind: "EventList",
  apiVersion: "audit.k8s.io/v1",
  items: auditLines.map((l) => JSON.parse(l) as unknown),
});

describe("bulwark runtime audit replay", () => {
  it("raises the exec (once per request), secret, cluster-admin, privileged-pod and anonymous alerts; counts bad lines", async () => {
    const log = join(dir, "audit.log");
    writeFileSync(log, `${auditLines.join("\n")}\nnot json\n{"kind":"Event"}\n`);
    const r = await bulwark(["runtime", "audit", "replay", log, "--format", "text"]);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(": ")[0]!.split(" ").slice(2).join(" ")),
    ).toEqual([
      "K8s Exec or Attach Into Pod",
      "K8s Secret Read By User",
      "K8s Binding To Cluster-Admin",
      "K8s Privileged Pod Created",
      "K8s Anonymous Request Allowed",
    ]);
    expect(r.stderr).toBe(
      'replayed 8 audit events from 10 lines, 5 alerts; skipped: not JSON: 1, missing "auditID": 1\n',
    );
  });

  it("a missing file is one line and exit 2", async () => {
    const r = await bulwark(["runtime", "audit", "replay", join(dir, "nope.log")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("bulwark runtime audit incidents", () => {
  it("prints one incident naming the user, the pod and the processes run", async () => {
    const r = await bulwark([
      "runtime",
      "audit",
      "incidents",
      "--audit",
      testdata("audit.jsonl"),
      "--events",
      testdata("sensor-exec-session.jsonl"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "2026-12-01T10:00:00.100Z user alice ran kubectl exec `sh -c id; cat /etc/hostname` into payments/api-7f9; the session ran sh -c id; cat /etc/hostname → id → cat /etc/hostname\n",
    );
  });
});

interface Served {
  child: ChildProcess;
  url: string;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

async function serve(extra: string[]): Promise<Served> {
  const child = spawn(
    process.execPath,
    [...CLI, "runtime", "audit", "serve", "--listen", "127.0.0.1:0", ...extra],
    {
      cwd: REPO_ROOT,
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
  const url = await until("the listening line", () => /listening on (\S+)/.exec(err)?.[1]);
  return { child, url, out: () => out, err: () => err, exit };
}

const alertRules = (out: string): string[] =>
  out
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { rule: string }).rule);

describe("bulwark runtime audit serve", () => {
  it("over HTTP on loopback: EventList → alerts; bad and huge bodies refused; stops on SIGTERM", async () => {
    const record = join(dir, "recorded.log");
    const s = await serve(["--record", record]);
    try {
      const ok = await fetch(s.url, { method: "POST", body: eventList });
      expect(ok.status).toBe(200);
      const rules = await until("five alerts", () => {
        const r = alertRules(s.out());
        return r.length >= 5 ? r : undefined;
      });
      expect(rules).toHaveLength(5);
      expect(rules).toContain("K8s Binding To Cluster-Admin");
      const bad = await fetch(s.url, { method: "POST", body: "{oops" });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: "not JSON" });
      const huge = await fetch(s.url, { method: "POST", body: "x".repeat(17 * 1024 * 1024) }).catch(
        (e: Error) => e,
      );
      // The server answers 413 and closes; the client may see the answer or the reset.
      if (!(huge instanceof Error)) expect(huge.status).toBe(413);
      expect((await fetch(s.url)).status).toBe(405);
    } finally {
      s.child.kill("SIGTERM");
    }
    expect(await s.exit).toBe(0);
    expect(readFileSync(record, "utf8").trim().split("\n")).toHaveLength(auditLines.length);
  });

  it("refuses plain HTTP on a non-loopback address", async () => {
    const r = await bulwark(["runtime", "audit", "serve", "--listen", "0.0.0.0:0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("plain HTTP only on loopback");
  });

  let openssl = true;
  try {
    execFileSync("openssl", ["version"]);
  } catch {
    openssl = false;
  }
  it.skipIf(!openssl)("over HTTPS with a certificate (skipped without openssl)", async () => {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    const s = await serve(["--tls-cert", cert, "--tls-key", key]);
    try {
      expect(s.url.startsWith("https://127.0.0.1:")).toBe(true);
      const status = await new Promise<number>((ok, fail) => {
        const req = request(s.url, { method: "POST", ca: readFileSync(cert) }, (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        });
        req.on("error", fail);
        req.end(eventList);
      });
      expect(status).toBe(200);
      await until("five alerts", () => (alertRules(s.out()).length >= 5 ? true : undefined));
    } finally {
      s.child.kill("SIGTERM");
    }
    expect(await s.exit).toBe(0);
  });
});
