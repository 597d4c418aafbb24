/**
 * Exposure from scanned manifests reaches the server's ranking: the real CLI scans a tree of
 * manifests that kubectl wrote (`scan config DIR --server`), image scans are uploaded, and
 * `/api/v1/priorities` says which image's findings sit behind a LoadBalancer Service and an
 * Ingress. A later scan of the same tree replaces what the earlier one said.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { call, DIGEST, report, startTestServer, vuln, type TestServer } from "./testing/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = join(repoRoot, "packages", "cli", "src", "bin.ts");
const tsx = fileURLToPath(import.meta.resolve("tsx"));
const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;

const WEB = "registry.example/shop/web:1.4";
const BATCH = "registry.example/shop/batch:1";

const dry = (...args: string[]) =>
  execFileSync("kubectl", ["create", ...args, "--dry-run=client", "-o", "yaml"], { encoding: "utf8" });

let pg: RunningPostgres;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-manifest-exposure-"));
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(["sqlite", "postgres"] as const)("exposure from scanned manifests on %s", (dialect) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer(dialect, pg);
  });
  afterAll(() => srv?.dispose());

  /**
   * The real CLI: `bulwark scan config TREE --server URL --token T`, asynchronously, since the
   * server it uploads to runs in this process. `stdin`: written to the CLI's standard input.
   */
  const scanTree = (tree: string, stdin = "") =>
    new Promise<{ status: number | null; stderr: string }>((done) => {
      const args = [
        ...["--import", tsx, bin, "--cache-dir", join(dir, "cache"), "scan", "config", tree],
        ...["--server", srv.url, "--token", srv.tokens.ingest],
      ];
      const child = spawn(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: "" } });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      child.stdin.end(stdin);
      child.on("close", (status) => done({ status, stderr }));
    });

  const uploadImage = async (ref: string, digest: string, cve: string) => {
    const res = await call(srv, "POST", "/api/v1/scans", {
      token: srv.tokens.ingest,
      body: {
        report: report(ref, [vuln(cve, `pkg-${cve.toLowerCase()}`, "1", { severity: "HIGH" })]),
        inventory: { packages: [], layers: [], image: { digest, repoTags: [ref], repoDigests: [] } },
      },
    });
    expect(res.status).toBe(201);
  };

  const exposedOf = async (asset: string) => {
    const res = await call(srv, "GET", `/api/v1/priorities?asset=${encodeURIComponent(asset)}`, {
      token: srv.tokens.read,
    });
    expect(res.status).toBe(200);
    const [item] = res.body.items as Array<{ exposed: boolean | null; why: string }>;
    return item!;
  };

  it.skipIf(!kubectl)(
    "ranks an image behind a LoadBalancer and an Ingress as exposed (skipped without kubectl)",
    async () => {
      const tree = join(dir, `k8s-${dialect}`);
      mkdirSync(tree, { recursive: true });
      writeFileSync(
        join(tree, "web.yaml"),
        [
          dry("deployment", "web", `--image=${WEB}`, "--port=8080"),
          dry("service", "loadbalancer", "web", "--tcp=80:8080"),
          dry("ingress", "web", "--rule=shop.example/*=web:80"),
        ].join("---\n"),
      );
      writeFileSync(join(tree, "batch.yaml"), dry("deployment", "batch", `--image=${BATCH}`));
      const first = await scanTree(tree);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/uploaded to http:\/\/127\.0\.0\.1:\d+: scan /);

      await uploadImage(WEB, DIGEST(0x61), "CVE-2026-0061");
      await uploadImage(BATCH, DIGEST(0x62), "CVE-2026-0062");
      const web = await exposedOf(DIGEST(0x61));
      expect(web.exposed).toBe(true);
      expect(web.why).toMatch(/behind an Ingress/);
      expect(web.why).toMatch(/Service type LoadBalancer/);
      const batch = await exposedOf(DIGEST(0x62));
      expect(batch.exposed).not.toBe(true);
      expect(batch.why).not.toMatch(/Ingress|LoadBalancer/);

      // The Service and the Ingress are deleted from the tree and it is scanned again.
      writeFileSync(join(tree, "web.yaml"), dry("deployment", "web", `--image=${WEB}`, "--port=8080"));
      const again = await scanTree(tree);
      expect(again.status, again.stderr).toBe(0);
      const after = await exposedOf(DIGEST(0x61));
      expect(after.exposed).not.toBe(true);
      expect(after.why).not.toMatch(/Ingress|LoadBalancer/);

      // Manifests on standard input: scanned and uploaded; their exposure is not sent (the scan
      // consumed the stream), so the earlier answer stands.
      const piped = await scanTree("-", dry("service", "loadbalancer", "web", "--tcp=80:8080"));
      expect(piped.status, piped.stderr).toBe(0);
      expect(piped.stderr).toMatch(/uploaded to http:\/\/127\.0\.0\.1:\d+: scan /);
      expect((await exposedOf(DIGEST(0x61))).exposed).not.toBe(true);

      // An item out of shape is refused whole (400), and nothing of it is stored.
      const item = { image: WEB, namespace: "default", workload: "Deployment/web", services: [] };
      const bad = async (over: object) =>
        call(srv, "POST", "/api/v1/scans", {
          token: srv.tokens.ingest,
          body: {
            report: report("k8s-bad", []),
            exposure: [{ ...item, ingress: true, hostPorts: [], ...over }],
          },
        });
      expect((await bad({ image: "r/".repeat(600) })).status).toBe(400);
      expect((await bad({ hostPorts: [70000] })).status).toBe(400);
      expect((await bad({ extra: 1 })).status).toBe(400);
      const stored = await srv.store.query("SELECT source FROM manifest_exposure WHERE source = $1", [
        "target:k8s-bad",
      ]);
      expect(stored).toEqual([]);
    },
    240_000,
  );
});
