/** Test helpers: a real server on a loopback port over SQLite or a real PostgreSQL. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningPostgres } from "../../../store/src/testing/index.js";
import type { Finding, Report } from "../deps.js";
import { createToken } from "../repo/identity.js";
import { startServer, type RunningServer, type ServeOptions } from "../serve.js";

export interface TestServer extends RunningServer {
  tokens: { admin: string; read: string; ingest: string };
  dispose(): Promise<void>;
}

export async function startTestServer(
  dialect: "sqlite" | "postgres",
  pg: RunningPostgres | undefined,
  extra: Partial<ServeOptions> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-server-"));
  const where = dialect === "postgres" ? { databaseUrl: await pg!.createDatabase() } : { dataDir: dir };
  const srv = await startServer({ listen: "127.0.0.1:0", log: () => undefined, ...where, ...extra });
  const mk = async (scope: string): Promise<string> =>
    (await createToken(srv.store, { scope, name: `t-${scope}` })).secret;
  const tokens = { admin: await mk("admin"), read: await mk("read"), ingest: await mk("ingest") };
  return {
    ...srv,
    tokens,
    async dispose() {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function call(
  srv: { url: string },
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (payload !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

export function vuln(id: string, pkg: string, version: string, over: Partial<Finding> = {}): Finding {
  return {
    kind: "vulnerability",
    id,
    aliases: [],
    severity: "HIGH",
    package: { name: pkg, version, purl: `pkg:pypi/${pkg}@${version}`, ecosystem: "PyPI" },
    fixedVersion: "9.9.9",
    kev: false,
    location: { path: `/usr/lib/python3/dist-packages/${pkg}-${version}.dist-info/METADATA` },
    ...over,
  } as Finding;
}

/** A report as `bulwark scan --format json` writes it (schemaVersion 1). */
export function report(target: string, findings: Finding[], scanners = ["vuln"]): Report {
  const bySeverity = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "test" },
    target,
    generatedAt: new Date().toISOString(),
    findings,
    summary: { total: findings.length, bySeverity, suppressed: [], scanners },
    issues: [],
  };
}

export const DIGEST = (n: number): string => `sha256:${n.toString(16).padStart(64, "0")}`;

/** The shared mirror's real PyPA advisories (read in place, never copied into the repository). */
export const PYPI_MIRROR_ZIP = "/work/shared/vulndb/osv/PyPI/all.zip";

/** An advisory database in `cacheDir` holding only the given real records of the PyPI mirror. */
export async function buildPypiDb(workDir: string, cacheDir: string, ids: string[]): Promise<void> {
  const { execFileSync } = await import("node:child_process");
  const { mkdirSync } = await import("node:fs");
  const { updateVulnDb } = await import("../deps.js");
  const src = mkdtempSync(join(workDir, "src-"));
  const out = join(src, "osv", "PyPI");
  mkdirSync(out, { recursive: true });
  const unpacked = join(src, "unpacked");
  execFileSync("unzip", ["-q", "-o", PYPI_MIRROR_ZIP, ...ids.map((i) => `${i}.json`), "-d", unpacked]);
  execFileSync("zip", ["-q", "-j", join(out, "all.zip"), ...ids.map((i) => join(unpacked, `${i}.json`))]);
  await updateVulnDb({ cacheDir, source: src });
}
