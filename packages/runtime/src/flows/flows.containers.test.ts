/**
 * Network flows from real runc containers in their own network namespaces, joined by a veth
 * pair the test creates, plus a simulated "external" network (a third namespace on another
 * veth, a plain host process serving there), under the real `runtime watch --record`
 * (bpftrace). Checks the flows, their east-west/north-south classification, the listening
 * sockets, and that the generated NetworkPolicy validates against the Kubernetes schema
 * (kubernetes-models). Skipped (reason printed) when not root or bpftrace/runc/ip are missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import {
  createNetns,
  eventually,
  missingForLiveTests,
  sh,
  startContainer,
  type Container,
  type Netns,
} from "../sensor/testing/containers.js";
import { REPO_ROOT } from "../testkit/paths.js";
import { startWatch } from "../testkit/watch.js";
import type { Flow } from "./aggregate.js";

const missing = missingForLiveTests("flows.containers.test");

const tag = `${process.pid % 100000}`;
const work = mkdtempSync(join(tmpdir(), "bulwark-flows-e2e-"));
const events = join(work, "events.jsonl");
const bin = resolve(REPO_ROOT, "packages/cli/src/bin.ts");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const server = (port: number) =>
  `use IO::Socket::INET; my $s=IO::Socket::INET->new(LocalAddr=>"0.0.0.0",LocalPort=>${port},Listen=>16,ReuseAddr=>1) or die; while(my $c=$s->accept){ print $c "hi\\n"; close $c }`;

/** This test's workloads (live tests in other files may run containers at the same time). */
const isOurs = (name: string): boolean => name === "frontend" || name === "backend";

function flowsCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", bin, "runtime", "flows", events, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function veth(a: Netns, aAddr: string, b: Netns, bAddr: string, name: string): Promise<void> {
  await sh("ip", ["link", "add", `${name}a`, "type", "veth", "peer", "name", `${name}b`]);
  await sh("ip", ["link", "set", `${name}a`, "netns", a.name]);
  await sh("ip", ["link", "set", `${name}b`, "netns", b.name]);
  await sh("ip", ["-n", a.name, "addr", "add", aAddr, "dev", `${name}a`]);
  await sh("ip", ["-n", b.name, "addr", "add", bAddr, "dev", `${name}b`]);
  await sh("ip", ["-n", a.name, "link", "set", `${name}a`, "up"]);
  await sh("ip", ["-n", b.name, "link", "set", `${name}b`, "up"]);
}

describe.skipIf(missing.length > 0)("flows between real runc containers", () => {
  const nets: Netns[] = [];
  const containers: Container[] = [];
  let outside: ChildProcess | undefined;

  beforeAll(async () => {
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    const [na, nb, nx] = await Promise.all(["a", "b", "x"].map((n) => createNetns(`bw-f${n}-${tag}`)));
    nets.push(na!, nb!, nx!);
    await veth(na!, "10.77.0.1/24", nb!, "10.77.0.2/24", `bwf${tag}`);
    await veth(na!, "198.51.100.1/24", nx!, "198.51.100.10/24", `bwx${tag}`);
    outside = spawn("ip", ["netns", "exec", nx!.name, "perl", "-e", server(9090)], { stdio: "ignore" });
    const watch = await startWatch([
      "--record",
      events,
      "--output",
      `file:${join(work, "alerts.jsonl")}`,
      "--status-file",
      join(work, "status.json"),
    ]);
    containers.push(
      await startContainer({
        id: `bw-fb-${tag}`,
        name: "backend",
        imageRootfs: rootfs,
        args: ["perl", "-e", server(8080)],
        netnsPath: nb!.path,
      }),
    );
    await sleep(500);
    containers.push(
      await startContainer({
        id: `bw-fa-${tag}`,
        name: "frontend",
        imageRootfs: rootfs,
        args: [
          "bash",
          "-c",
          // The first seconds are left alone: a container's events in its first milliseconds
          // can resolve to the host (see hostTtlMs in context/resolver.ts).
          "sleep 2; for i in 1 2 3 4 5; do cat < /dev/tcp/10.77.0.2/8080; cat < /dev/tcp/198.51.100.10/9090; sleep 0.5; done; sleep 600",
        ],
        netnsPath: na!.path,
      }),
    );
    // Until the recording holds all five connections of both flows (or a minute passes; the
    // tests below then say what was seen).
    await eventually(
      () => {
        const r = flowsCli(["--format", "json"]);
        const flows = r.code === 0 ? (JSON.parse(r.stdout) as { flows: Flow[] }).flows : [];
        return flows.filter((f) => f.src.name === "frontend" && f.connections >= 5).length >= 2;
      },
      60_000,
      1000,
    );
    await watch.stop();
  }, 300_000);

  afterAll(async () => {
    outside?.kill();
    for (const c of containers) await c.remove();
    for (const n of nets) await n.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it("finds the east-west flow between the containers and the north-south one to the outside", () => {
    const r = flowsCli(["--format", "json", "--cluster-cidr", "10.77.0.0/16"]);
    expect(r.code, r.stderr).toBe(0);
    const { flows, listening } = JSON.parse(r.stdout) as {
      flows: Flow[];
      listening: Array<{ workload: { name: string }; port: number }>;
    };
    // Only this test's containers: the sensor watches the whole host, where other test files
    // running at the same time make loopback connections of their own.
    const ours = flows.filter((f) => [f.src.name, f.dst.name].some(isOurs));
    const brief = ours.map(
      (f) => `${f.src.name} -> ${f.dst.name}:${f.port}/${f.protocol} ${f.direction} x${f.connections}`,
    );
    expect(brief, JSON.stringify(brief)).toContainEqual("frontend -> backend:8080/tcp east-west x5");
    expect(brief, JSON.stringify(brief)).toContainEqual("frontend -> 198.51.100.10:9090/tcp north-south x5");
    // The servers' accepts are the same connections as the frontend's connects: not counted twice.
    expect(brief, JSON.stringify(brief)).toHaveLength(2);
    const ourListening = listening.filter((l) => isOurs(l.workload.name));
    expect(ourListening.map((l) => `${l.workload.name}:${l.port}`)).toEqual(["backend:8080"]);
  });

  it("prints the flows as a table and as a graph", () => {
    expect(flowsCli([]).stdout).toMatch(/frontend\s+backend\s+8080\/tcp\s+east-west\s+5/);
    expect(flowsCli(["--format", "dot"]).stdout).toContain('"frontend" -> "backend" [label="8080/tcp"]');
  });

  it("generates NetworkPolicies that validate against the Kubernetes schema", () => {
    const r = flowsCli(["--netpol"]);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as Record<string, unknown>)
      .filter((d) => isOurs((d.metadata as { name: string }).name.replace(/^bulwark-/, "")));
    expect(docs.map((d) => (d.metadata as { name: string }).name)).toEqual([
      "bulwark-backend",
      "bulwark-frontend",
    ]);
    for (const d of docs) expect(() => new NetworkPolicy(d as never).validate()).not.toThrow();
    const [backend, frontend] = docs as Array<{ spec: { ingress: unknown[]; egress: unknown[] } }>;
    expect(backend!.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { app: "frontend" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
    expect(frontend!.spec.egress).toEqual(
      expect.arrayContaining([
        {
          to: [{ podSelector: { matchLabels: { app: "backend" } } }],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
        { to: [{ ipBlock: { cidr: "198.51.100.10/32" } }], ports: [{ protocol: "TCP", port: 9090 }] },
        expect.objectContaining({
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        }),
      ]),
    );
  });

  it("refuses a bad CIDR with one line", () => {
    const r = flowsCli(["--cluster-cidr", "10.0.0.0/99"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('bulwark: USAGE: --cluster-cidr: not a CIDR: "10.0.0.0/99"');
  });
});
