/**
 * "In use", end to end with real parts: an image built from Debian packages with two Python
 * packages that real PyPA advisories affect (cryptography 38.0.4, requests 2.28.1);
 * `bulwark sbom … --server` uploads its inventory and the server matches it; a real runc
 * container runs Python that imports cryptography (its Rust extension is mapped) and never
 * requests; `bulwark runtime watch --server` streams the files the container's processes
 * have loaded. The server must rank cryptography's vulnerabilities "in use" above requests'
 * (not in use), and its OpenVEX must suppress only requests'.
 *
 * The evidence is a polled state (/proc/PID/maps of a long-lived process), so the test waits
 * on the server's answer, never on timing or on the container's first moments.
 * Skipped, naming what is missing, without root, runc, the image tools or the PyPI mirror.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startContainer, type Container } from "../../runtime/src/sensor/testing/containers.js";
import { runCli } from "../../runtime/src/testkit/cli.js";
import { REPO_ROOT } from "../../runtime/src/testkit/paths.js";
import { buildImage, type BuiltImage } from "../../testkit/src/fixtures/images.js";
import { PY_IN_USE_ADVISORIES, recipes } from "../../testkit/src/fixtures/recipes.js";
import { buildPypiDb, call, PYPI_MIRROR_ZIP, startTestServer, type TestServer } from "./testing/index.js";

const TOOLS = ["/usr/sbin/runc", "/usr/bin/umoci", "/usr/bin/mmdebstrap", "/usr/bin/skopeo"];
const missing = [
  process.getuid?.() !== 0 ? "root" : "",
  ...TOOLS.filter((p) => !existsSync(p)),
  existsSync(PYPI_MIRROR_ZIP) ? "" : PYPI_MIRROR_ZIP,
].filter(Boolean);
if (missing.length) console.warn(`in-use.containers.test skipped: needs ${missing.join(", ")}`);

const ADVISORIES = PY_IN_USE_ADVISORIES;
/** The image: Python with cryptography and requests outside dpkg (recipes.pyInUse). */
const RECIPE = recipes.pyInUse;

const dir = mkdtempSync(join(tmpdir(), "bulwark-inuse-"));
const bin = resolve(REPO_ROOT, "packages/cli/src/bin.ts");
const tag = `${process.pid % 100000}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Item {
  id: string;
  package: { name: string };
  inUse: boolean | null;
  reasons: string[];
  why: string;
}

describe.skipIf(missing.length > 0)("in use: a real container, the sensor and the server", () => {
  let img: BuiltImage;
  let srv: TestServer;
  let container: Container | undefined;
  let watch: ChildProcess | undefined;
  const watchErr: string[] = [];

  beforeAll(async () => {
    img = await buildImage(RECIPE);
    const cacheDir = join(dir, "cache");
    await buildPypiDb(dir, cacheDir, ADVISORIES);
    srv = await startTestServer("sqlite", undefined, { vulnDbDir: cacheDir, rematchIntervalMs: 3_600_000 });
  }, 1_200_000);

  afterAll(async () => {
    if (watch && watch.exitCode === null) {
      const exited = new Promise((r) => watch!.once("close", r));
      watch.kill("SIGTERM");
      await exited;
    }
    await container?.remove();
    await srv?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("ranks the imported package's vulnerabilities in use, above the never-imported one's, and VEX suppresses only the latter", async () => {
    // 1. The inventory, uploaded by the CLI and matched by the server.
    const sbom = await runCli([
      "sbom",
      img.ociRef,
      "--format",
      "json",
      "-o",
      join(dir, "sbom.json"),
      "--server",
      srv.url,
      "--token",
      srv.tokens.ingest,
    ]);
    expect(sbom.code, sbom.stderr).toBe(0);
    expect(sbom.stderr).toMatch(/matched against advisories .*: 3 new findings/);
    const images = await call(srv, "GET", "/api/v1/images", { token: srv.tokens.read });
    const asset = (images.body.items as Array<{ asset: string }>)[0]!.asset;
    expect(asset).toMatch(/^sha256:[0-9a-f]{64}$/);

    // 2. A container of that image imports cryptography (and never requests), then stays up.
    container = await startContainer({
      id: `bw-inuse-${tag}`,
      name: "inuse",
      imageRootfs: await img.rootfs(),
      args: [
        "/usr/bin/python3",
        "-c",
        "from cryptography.fernet import Fernet\nFernet(Fernet.generate_key())\nimport time\nwhile True: time.sleep(3600)",
      ],
    });

    // 3. The agent streams what the container's processes have loaded.
    watch = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        bin,
        "runtime",
        "watch",
        "--sensor",
        "proc",
        "--output",
        `file:${join(dir, "alerts.jsonl")}`,
        "--status-file",
        join(dir, "status.json"),
        "--server",
        srv.url,
        "--token",
        srv.tokens.ingest,
        "--spool-dir",
        join(dir, "spool"),
        "--evidence-interval",
        "1",
      ],
      { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    watch.stderr?.setEncoding("utf8").on("data", (d: string) => watchErr.push(d));

    // 4. The server's ranking, once the loaded Rust extension has reached it.
    const ranked = await until("cryptography to be reported in use", async () => {
      const r = await call(srv, "GET", `/api/v1/priorities?asset=${encodeURIComponent(asset)}`, {
        token: srv.tokens.read,
      });
      const items = r.body.items as Item[] | undefined;
      return items?.some((i) => i.package.name === "cryptography" && i.inUse === true) ? r.body : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; runtime watch said: ${watchErr.join("")}`);
    });
    const items = ranked.items as Item[];
    const crypto = items.filter((i) => i.package.name === "cryptography");
    const requests = items.filter((i) => i.package.name === "requests");
    expect(crypto.map((i) => i.inUse)).toEqual([true, true]);
    expect(requests.map((i) => i.inUse)).toEqual([false]);
    expect(requests[0]!.why).toMatch(/never loaded between/);
    const last = Math.max(...crypto.map((i) => items.indexOf(i)));
    expect(last).toBeLessThan(items.indexOf(requests[0]!));
    // The funnel's "in use" step counts the high/critical ones among the loaded package's.
    const highInUse = crypto.filter((i) => /^(critical|high) severity/.test(i.reasons[0] ?? "")).length;
    expect(highInUse).toBeGreaterThan(0);
    expect((ranked.funnel as { inUse: number }).inUse).toBe(highInUse);

    // The agent uploads the container's privilege too (its python runs as root in runc's default config).
    const withPrivilege = await until("the container's privilege to reach the ranking", async () => {
      const r = await call(srv, "GET", `/api/v1/priorities?asset=${encodeURIComponent(asset)}`, {
        token: srv.tokens.read,
      });
      const all = r.body.items as Item[] | undefined;
      return all?.some((i) => /runs as root/.test(i.why)) ? all : undefined;
    });
    expect(withPrivilege.every((i) => /runs as root/.test(i.why))).toBe(true);

    // 5. OpenVEX: not_affected for requests only, consumable by `bulwark scan --vex`.
    const vex = await call(srv, "GET", `/api/v1/vex?asset=${encodeURIComponent(asset)}`, {
      token: srv.tokens.read,
    });
    const statements = vex.body.statements as Array<{
      vulnerability: { name: string };
      justification: string;
      products: Array<{ subcomponents: Array<{ "@id": string }> }>;
    }>;
    expect(statements.map((s) => s.vulnerability.name)).toEqual(requests.map((i) => i.id));
    expect(statements[0]!.justification).toBe("vulnerable_code_not_in_execute_path");
    expect(statements[0]!.products[0]!.subcomponents[0]!["@id"]).toMatch(/^pkg:pypi\/requests@2\.28\.1/);
    expect(JSON.parse(readFileSync(join(dir, "sbom.json"), "utf8"))).toBeTruthy();
  }, 600_000);
});
