/**
 * Resource figures for real runc containers, compared with the cgroup files read directly,
 * on the v1 controllers and the v2 (unified) tree this hybrid host has; a CPU-burning
 * container is flagged and an idle one is not. Skipped (reason printed) when not root or runc
 * is missing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import { sh, startContainer, type Container } from "../sensor/testing/containers.js";
import { cgroupDirsOfPid } from "./cgroup.js";
import { ResourceSampler, type RunningContainer } from "./sampler.js";
import { readUsage } from "./usage.js";

const missing = [
  process.getuid?.() !== 0 ? "root" : "",
  existsSync("/usr/sbin/runc") ? "" : "/usr/sbin/runc",
].filter(Boolean);
if (missing.length) console.warn(`resources.containers.test skipped: needs ${missing.join(", ")}`);

const tag = `${process.pid % 100000}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const file = (dir: string | undefined, name: string) => readFileSync(join(dir!, name), "utf8").trim();

describe.skipIf(missing.length > 0)("container resources on real runc containers", () => {
  let burner: Container;
  let idle: Container;
  const running: RunningContainer[] = [];

  beforeAll(async () => {
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    burner = await startContainer({
      id: `bw-burn-${tag}`,
      name: "burner",
      imageRootfs: rootfs,
      args: ["sh", "-c", "while :; do :; done"],
    });
    idle = await startContainer({
      id: `bw-idle-${tag}`,
      name: "idle",
      imageRootfs: rootfs,
      args: ["sh", "-c", "sleep 600 & sleep 600 & wait"],
    });
    for (const c of [burner, idle]) {
      const pid = (JSON.parse(await sh("runc", ["state", c.id])) as { pid: number }).pid;
      running.push({ id: c.id, name: c.name, pid });
    }
  }, 300_000);

  afterAll(async () => {
    for (const c of [burner, idle]) await c?.remove();
  });

  it("v1 figures equal the v1 files (an idle container's counters stand still)", () => {
    const dirs = cgroupDirsOfPid(running[1]!.pid)!;
    const v1only = { v1: dirs.v1 };
    const u = readUsage(v1only);
    expect(u.sources.cpuNs).toBe(join(dirs.v1.get("cpuacct")!, "cpuacct.usage"));
    expect(u.cpuNs).toBe(Number(file(dirs.v1.get("cpuacct"), "cpuacct.usage")));
    expect(u.memoryBytes).toBe(Number(file(dirs.v1.get("memory"), "memory.usage_in_bytes")));
    expect(u.pids).toBe(Number(file(dirs.v1.get("pids"), "pids.current")));
    expect(u.pids).toBe(3); // sh and its two sleeps
  });

  it("v2 figures equal the unified tree's cpu.stat, and agree with v1 on CPU time", () => {
    const dirs = cgroupDirsOfPid(running[1]!.pid)!;
    expect(dirs.v2, "this host's containers should also be in the unified tree").toBeDefined();
    const v2 = readUsage({ v1: new Map(), v2: dirs.v2 });
    const usec = Number(/usage_usec (\d+)/.exec(file(dirs.v2, "cpu.stat"))![1]);
    expect(v2.sources.cpuNs).toBe(join(dirs.v2!, "cpu.stat"));
    expect(v2.cpuNs).toBe(usec * 1000);
    const v1 = readUsage({ v1: dirs.v1 });
    expect(Math.abs(v2.cpuNs! - v1.cpuNs!)).toBeLessThan(50e6); // same process tree, two accountings
  });

  it("flags the CPU burner as sustained, not the idle container", async () => {
    // Thresholds far below the defaults (80% for 5 samples): the CI machine runs other test
    // files at once on two cores, so the burner may get a small share of one.
    const sampler = new ResourceSampler(() => running, {
      cpuPercent: 10,
      cpuSamples: 3,
      pidsGrowth: 20,
      pidsSamples: 3,
    });
    let last = sampler.sample();
    for (let i = 0; i < 4; i++) {
      await sleep(1000);
      last = sampler.sample();
    }
    const byName = Object.fromEntries(last.map((s) => [s.name, s]));
    expect(byName.burner!.cpuPercent!).toBeGreaterThan(10);
    expect(byName.burner!.flags).toEqual(["cpu-sustained"]);
    expect(byName.idle!.cpuPercent!).toBeLessThan(5);
    expect(byName.idle!.flags).toEqual([]);
  }, 60_000);

  it("skips a container that disappears between listing and reading", () => {
    const sampler = new ResourceSampler(() => [...running, { id: "gone", pid: 2 ** 22 + 1 }]);
    expect(
      sampler
        .sample()
        .map((s) => s.id)
        .sort(),
    ).toEqual([burner.id, idle.id].sort());
  });
});
