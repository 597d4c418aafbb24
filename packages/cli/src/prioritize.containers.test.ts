/**
 * `bulwark prioritize --observe` with real parts: the py-in-use image (two Python packages
 * real PyPA advisories affect, cryptography and requests) scanned by `bulwark scan` against a
 * database of those advisories; a real runc container runs Python that imports cryptography
 * (its Rust extension stays mapped), never requests, serves HTTP on 0.0.0.0:8080 and holds a
 * connection to it from an address outside the private ranges. The CLI observes this host and
 * must rank cryptography "in use", requests not, the image exposed (port 8080, one connection
 * from outside) and running as root, and its OpenVEX must suppress only requests.
 *
 * Other test files run containers of the same image at the same time: this one carries a
 * manifest digest of its own (an OCI annotation the resolver reads first) and the CLI is told
 * to observe that digest only. The CLI runs once the container says it is ready (it writes
 * /tmp/ready after the import and the bind), so nothing depends on its first moments.
 * Skipped, naming what is missing, without root, runc, the image tools or the PyPI mirror.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNetns,
  eventually,
  startContainer,
  type Container,
  type Netns,
} from "../../runtime/src/sensor/testing/containers.js";
import { runCli } from "../../runtime/src/testkit/cli.js";
import { buildPypiDb, PYPI_MIRROR_ZIP } from "../../server/src/testing/index.js";
import { buildImage, type BuiltImage } from "../../testkit/src/fixtures/images.js";
import { PY_IN_USE_ADVISORIES, recipes } from "../../testkit/src/fixtures/recipes.js";

const TOOLS = ["/usr/sbin/runc", "/usr/sbin/ip", "/usr/bin/umoci", "/usr/bin/mmdebstrap", "/usr/bin/skopeo"];
const missing = [
  process.getuid?.() !== 0 ? "root" : "",
  ...TOOLS.filter((p) => !existsSync(p)),
  existsSync(PYPI_MIRROR_ZIP) ? "" : PYPI_MIRROR_ZIP,
].filter(Boolean);
if (missing.length) console.warn(`prioritize.containers.test skipped: needs ${missing.join(", ")}`);

const dir = mkdtempSync(join(tmpdir(), "bulwark-prio-observe-"));
const OWN_DIGEST = `sha256:${createHash("sha256").update(`bulwark-prioritize-observe-${process.pid}-${Date.now()}`).digest("hex")}`;

/** Addresses on the container's loopback: a "public" one it serves on, and a "public" client. */
const SERVER_IP = "203.0.113.5";
const CLIENT_IP = "198.51.100.7";

/**
 * Imports cryptography, listens on 0.0.0.0:8080 and connects to itself from CLIENT_IP, a
 * documentation address outside every private range: a connection from outside the cluster
 * that stays established (the kernel completes it before the server accepts; the handler then
 * waits for a request that never comes). Ready once both are in place.
 */
const SERVE = [
  "from cryptography.fernet import Fernet",
  "Fernet(Fernet.generate_key())",
  "import socket",
  "from http.server import HTTPServer, SimpleHTTPRequestHandler",
  "server = HTTPServer(('0.0.0.0', 8080), SimpleHTTPRequestHandler)",
  `client = socket.create_connection(('${SERVER_IP}', 8080), source_address=('${CLIENT_IP}', 0))`,
  "open('/tmp/ready', 'w').close()",
  "server.serve_forever()",
].join("\n");

interface Ranked {
  funnel: { highOrCritical: number; inUse: number; exposed: number };
  observation: {
    images: Array<{ asset: string; containers: string[] }>;
    listeningPorts: number[];
    northSouthFlows: number;
    privilege: { root: boolean; capabilities: string[] };
  };
  findings: Array<{
    id: string;
    package: { name: string };
    inUse: boolean | null;
    exposed: boolean;
    why: string;
  }>;
}

describe.skipIf(missing.length > 0)("prioritize --observe: a real container on this host", () => {
  let img: BuiltImage;
  let container: Container | undefined;
  let net: Netns | undefined;
  const report = join(dir, "report.json");

  beforeAll(async () => {
    img = await buildImage(recipes.pyInUse);
    const cacheDir = join(dir, "cache");
    await buildPypiDb(dir, cacheDir, PY_IN_USE_ADVISORIES);
    const scan = await runCli([
      "--cache-dir",
      cacheDir,
      "scan",
      "image",
      img.ociRef,
      "--scanners",
      "vuln",
      "--format",
      "json",
      "--output",
      report,
    ]);
    expect(scan.code, scan.stderr).toBe(0);
    net = await createNetns(`bw-prio-${process.pid % 100000}`, [`${SERVER_IP}/32`, `${CLIENT_IP}/32`]);
    container = await startContainer({
      id: `bw-prio-${process.pid % 100000}`,
      name: "prio-observe",
      imageRootfs: await img.rootfs(),
      args: ["/usr/bin/python3", "-c", SERVE],
      annotations: { "org.opencontainers.image.manifest.digest": OWN_DIGEST },
      netnsPath: net.path,
    });
  }, 1_200_000);

  afterAll(async () => {
    await container?.remove();
    await net?.remove();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("ranks the imported package in use, the other not, shows the port and the connection from outside, and VEX suppresses only the latter", async () => {
    const ready = join(container!.bundle, "rootfs", "tmp", "ready");
    expect(await eventually(() => existsSync(ready), 90_000), "the container never became ready").toBe(true);

    const vex = join(dir, "vex.json");
    const args = ["prioritize", "--report", report, "--observe", "--image", OWN_DIGEST, "--window", "2s"];
    const r = await runCli([...args, "--format", "json", "--vex-out", vex]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Ranked;
    expect(out.observation.images).toEqual([{ asset: OWN_DIGEST, containers: [container!.id] }]);
    expect(out.observation.listeningPorts).toEqual([8080]);
    expect(out.observation.northSouthFlows).toBe(1);
    expect(out.observation.privilege.root).toBe(true);

    const crypto = out.findings.filter((f) => f.package.name === "cryptography");
    const requests = out.findings.filter((f) => f.package.name === "requests");
    expect(crypto.map((f) => f.inUse)).toEqual([true, true]);
    expect(requests.map((f) => f.inUse)).toEqual([false]);
    expect(requests[0]!.why).toMatch(/never loaded between/);
    expect(crypto[0]!.why).toMatch(
      /exposed: 1 connection\(s\) from outside the cluster, listening on port\(s\) 8080/,
    );
    expect(crypto[0]!.why).toMatch(/runs as root/);
    const last = Math.max(...crypto.map((f) => out.findings.indexOf(f)));
    expect(last).toBeLessThan(out.findings.indexOf(requests[0]!));
    expect(out.funnel.exposed).toBe(out.funnel.inUse);
    expect(out.funnel.inUse).toBeGreaterThan(0);

    const doc = JSON.parse(readFileSync(vex, "utf8")) as {
      statements: Array<{ vulnerability: { name: string }; impact_statement: string }>;
    };
    expect(doc.statements.map((s) => s.vulnerability.name)).toEqual(requests.map((f) => f.id));
    expect(doc.statements[0]!.impact_statement).toMatch(/bulwark prioritize --observe/);

    // The table: the funnel on stdout, what was observed on stderr.
    const table = await runCli(args);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(
      /^high\/critical \d+ → fixable \d+ → in use [1-9]\d* → exposed/,
    );
    expect(table.stderr).toContain(`observed 1 container(s) of ${OWN_DIGEST}`);
    expect(table.stderr).toContain("listening ports: 8080; connections from outside: 1");
  }, 600_000);
});
