/**
 * Baselines on real runc containers under the real `bulwark runtime watch` (bpftrace): a
 * workload is learned, approved, then monitored — exactly one deviation alert when it runs a
 * new binary (twice), none while it repeats what it did — and in protect mode with --respond
 * the deviating process is killed while the container keeps serving. Skipped (reason
 * printed) when not root or bpftrace/runc/ip are missing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import { slugOf } from "./store.js";
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
import { startWatch, type Watch } from "../testkit/watch.js";

const missing = missingForLiveTests("baseline.containers.test");

const tag = `${process.pid % 100000}`;
const work = mkdtempSync(join(tmpdir(), "bulwark-baseline-e2e-"));
const baselines = join(work, "baselines");
const bin = resolve(REPO_ROOT, "packages/cli/src/bin.ts");
const OWN_DIGEST = `sha256:${createHash("sha256").update(`bulwark-baseline-test-${process.pid}-${Date.now()}`).digest("hex")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function watchWithBaselines(extra: string[] = []): Promise<Watch> {
  return startWatch(["--status-file", join(work, "status.json"), "--baseline-dir", baselines, ...extra]);
}

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", bin, "runtime", "baseline", ...args, "--dir", baselines],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SERVER =
  'use IO::Socket::INET; my $s=IO::Socket::INET->new(LocalAddr=>"127.0.0.1",LocalPort=>8080,Listen=>16,ReuseAddr=>1) or die; ' +
  'while(my $c=$s->accept){ while(<$c>){ last if /^\\r?\\n$/ } print $c "HTTP/1.0 200 OK\\r\\n\\r\\nhello\\n"; close $c }';
// The workload: a web server, and a loop that keeps running the same two programs.
const WORKLOAD = `perl -e '${SERVER}' & while true; do cat /etc/hostname > /dev/null; sleep 0.3; done`;

describe.skipIf(missing.length > 0)("baselines on real runc containers", () => {
  let app: Container;
  let net: Netns;
  let rootfs: string;
  const deviations = (w: Watch) =>
    w.alerts.filter((a) => a.rule.startsWith("Baseline deviation") && a.container.id === app.id);
  const serves = async () =>
    (
      await sh("ip", ["netns", "exec", net.name, "curl", "-s", "--max-time", "5", "http://127.0.0.1:8080/"])
    ).includes("hello");

  beforeAll(async () => {
    rootfs = await (await buildImage(recipes.minbase)).rootfs();
    net = await createNetns(`bw-base-${tag}`);
    const learner = await watchWithBaselines();
    app = await startContainer({
      id: `bw-base-${tag}`,
      name: "app",
      imageRootfs: rootfs,
      args: ["sh", "-c", WORKLOAD],
      netnsPath: net.path,
      // Baselines are keyed by image digest, and other test files run containers of this same
      // minbase image at the same time: a digest of its own keeps this test's protect mode from
      // killing their processes, and their behaviour out of this baseline.
      annotations: { "org.opencontainers.image.manifest.digest": OWN_DIGEST },
    });
    await sleep(6000);
    await learner.stop();
  }, 300_000);

  afterAll(async () => {
    await app?.remove();
    await net?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it("learns a reviewable candidate for the image, and approves it in monitor mode", () => {
    const listed = cli(["show"]);
    expect(listed.code).toBe(0);
    // Other test files' containers may have been learned too (the agent watches the whole host).
    const key = OWN_DIGEST;
    expect(listed.stdout.split("\n").map((l) => l.split("\t")[0])).toContain(key);
    const candidate = cli(["show", key, "--candidate"]);
    expect(candidate.stdout).toContain("/usr/bin/cat <- ");
    expect(candidate.stdout).toContain("mode: learn");
    expect(cli(["approve", key, "--mode", "monitor", "--by", "alice"]).code).toBe(0);
    expect(cli(["show", key]).stdout).toMatch(/mode: monitor[\s\S]*by: alice/);
    const slug = slugOf(key);
    expect(
      readdirSync(baselines)
        .filter((f) => f.startsWith(slug))
        .sort(),
    ).toEqual([`${slug}.candidate.yaml`, `${slug}.yaml`]);
  });

  it("monitor: nothing while the workload repeats itself, exactly one alert for a new binary run twice", async () => {
    const w = await watchWithBaselines();
    await sleep(4000);
    expect(deviations(w), JSON.stringify(deviations(w).map((a) => a.output))).toEqual([]);
    await app.exec(["/usr/bin/id"]);
    await app.exec(["/usr/bin/id"]);
    await eventually(() => deviations(w).length > 0);
    await sleep(2000); // a second alert for the second run would come now
    await w.stop();
    const got = deviations(w);
    expect(got.map((a) => a.rule)).toEqual(["Baseline deviation: new executable"]);
    expect(got[0]!.output).toContain("/usr/bin/id");
  }, 120_000);

  it("protect with --respond: the deviating process is killed and the container keeps serving", async () => {
    const key = OWN_DIGEST;
    expect(cli(["approve", key, "--mode", "protect", "--by", "alice"]).code).toBe(0);
    const w = await watchWithBaselines(["--respond"]);
    expect(await serves()).toBe(true);
    // Not awaited yet: tail -f never ends unless the agent kills it.
    const intruderRun = app.exec(["/usr/bin/tail", "-f", "/dev/null"]);
    const acted = await eventually(() =>
      w.alerts.some((a) => a.rule === "Response action" && a.container.id === app.id),
    );
    await w.stop();
    expect(acted, JSON.stringify(w.alerts.map((a) => a.output))).toBe(true);
    const actions = w.alerts.filter((a) => a.rule === "Response action" && a.container.id === app.id);
    expect(
      actions.map((a) => a.output),
      JSON.stringify(w.alerts.map((a) => a.output)),
    ).toEqual([expect.stringMatching(/^killed pid \d+ \(tail\), for new executable \/usr\/bin\/tail /)]);
    expect((await intruderRun).code).not.toBe(0); // killed, not exited on its own
    expect(await serves()).toBe(true);
  }, 120_000);

  it("drift: a program written into the container after it started and run raises its own alert with the file's sha256", async () => {
    const w = await watchWithBaselines();
    await app.exec(["sh", "-c", "cp /usr/bin/true /tmp/dropped && /tmp/dropped"]);
    await eventually(() => w.alerts.some((a) => a.rule === "Drift Executable Written After Start"));
    await sleep(1000); // the image's own programs run by that shell, if wrongly flagged, would follow
    await w.stop();
    const drift = w.alerts.filter(
      (a) => a.rule === "Drift Executable Written After Start" && a.container.id === app.id,
    );
    const sha = createHash("sha256")
      .update(readFileSync(join(rootfs, "usr/bin/true")))
      .digest("hex");
    expect(
      drift.map((a) => a.output),
      JSON.stringify(w.alerts.map((a) => a.rule)),
    ).toEqual([expect.stringContaining(`exepath=/tmp/dropped sha256=${sha} `)]);
    // The image's own programs, run the same way, are not drift.
    expect(w.alerts.filter((a) => a.rule.startsWith("Drift") && !a.output.includes("/tmp/dropped"))).toEqual(
      [],
    );
  }, 120_000);
});
