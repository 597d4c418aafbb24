/**
 * Response actions on real runc containers (the shared minbase image), driven through the
 * Responder with events built from the containers' real processes — no sensor is needed to
 * show what an action does, and none of its timing can make this test flaky:
 *  - pause freezes the container's cgroup (runc itself then reports "paused", its counter
 *    stops), and both `runc resume` and thaw() bring it back;
 *  - stop ends the container through runc (gone from `runc state`);
 *  - isolate drops new connections from the container to a listener outside its network
 *    namespace (joined by a veth pair this test creates) while an established one keeps
 *    exchanging data;
 *  - a container that disappeared, a pid now used by a host process (pid reuse made real
 *    with ns_last_pid) and a pid from another container are refused, and nothing is done.
 * Only this test's own container ids and pids are ever targeted, so live tests running the
 * same image at the same time are untouched. Skipped (reason printed) when not root or
 * runc/ip/nft/nsenter are missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import type { RuntimeEvent } from "../events/index.js";
import { execEventOf } from "../testkit/events.js";
import {
  createNetns,
  eventually,
  sh,
  startContainer,
  type Container,
  type Netns,
} from "../sensor/testing/containers.js";
import { responseMatch } from "./alert.js";
import { thaw } from "./pause.js";
import type { ResponseEntry } from "./policy.js";
import { Responder } from "./responder.js";
import { processStartMs } from "./target.js";
import type { ResponseOutcome } from "./types.js";

const missing = [
  process.getuid?.() !== 0 ? "root" : "",
  ...["/usr/sbin/runc", "/usr/sbin/ip", "/usr/sbin/nft", "/usr/bin/nsenter"].filter((p) => !existsSync(p)),
].filter(Boolean);
if (missing.length) console.warn(`response.containers.test skipped: needs ${missing.join(", ")}`);

const tag = `${process.pid % 100000}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enabled = { by: "alice", at: "2026-12-04T10:00:00Z" };

const COUNTER = "i=0; while true; do i=$((i+1)); echo $i > /tmp/n.tmp; mv /tmp/n.tmp /tmp/n; sleep 0.1; done";
const ECHO =
  'use IO::Socket::INET; $SIG{CHLD}="IGNORE"; my $s=IO::Socket::INET->new(LocalAddr=>"10.79.0.2",LocalPort=>9090,Listen=>16,ReuseAddr=>1) or die; ' +
  "while(1){ my $c=$s->accept or next; if(!fork){ while(<$c>){ print $c $_ } exit } close $c }";
// The container's init: one connection made at start, then a ping every 0.2 s, each answer counted.
const CLIENT =
  'use IO::Socket::INET; my $s; until($s=IO::Socket::INET->new(PeerAddr=>"10.79.0.2",PeerPort=>9090,Timeout=>5)){ select(undef,undef,undef,0.2) } ' +
  'my $n=0; while(1){ print $s "ping\\n"; my $r=<$s>; if(defined $r){ $n++; open(my $f,">","/tmp/n.tmp"); print $f $n; close $f; rename "/tmp/n.tmp","/tmp/n" } else { sleep 1 } select(undef,undef,undef,0.2) }';
const CONNECT =
  'use IO::Socket::INET; my $s=IO::Socket::INET->new(PeerAddr=>"10.79.0.2",PeerPort=>9090,Timeout=>3); print $s ? "connected" : "failed"';

async function runcState(id: string): Promise<{ status: string; pid: number } | undefined> {
  try {
    return JSON.parse(await sh("runc", ["state", id])) as { status: string; pid: number };
  } catch {
    return undefined;
  }
}

/** The event a sensor would have sent for the container's init process. */
async function initEvent(c: Container): Promise<RuntimeEvent> {
  const pid = (await runcState(c.id))!.pid;
  const startTime = new Date(processStartMs(pid)!).toISOString();
  return execEventOf(pid, { id: c.id, name: c.name, runtime: "runc" }, { name: "init", startTime });
}

/** Runs the actions of ENTRIES for EVENT and returns their outcomes (every one, once settled). */
async function respond(
  event: RuntimeEvent,
  ...actions: ResponseEntry["action"][]
): Promise<ResponseOutcome[]> {
  const got: ResponseOutcome[] = [];
  const entries = actions.map((action) => ({ rule: "R", action, host: false, enabled, at: "test.yaml:4" }));
  const r = new Responder(entries, (o) => got.push(o));
  r.handle({ rule: "R", cause: "rule R", event });
  await r.settle();
  return got;
}

const counter = (c: Container): number => {
  try {
    return Number(readFileSync(join(c.bundle, "rootfs", "tmp", "n"), "utf8").trim() || 0);
  } catch {
    return 0;
  }
};
/** The counter moves on by at least 3 from now (the container is running). */
const advances = async (c: Container): Promise<boolean> => {
  const from = counter(c);
  return eventually(() => counter(c) >= from + 3);
};

describe.skipIf(missing.length > 0)("response actions on real runc containers", () => {
  let rootfs: string;
  const containers: Container[] = [];
  const nets: Netns[] = [];
  let echo: ChildProcess | undefined;
  const start = async (suffix: string, args: string[], netnsPath?: string) => {
    const c = await startContainer({
      id: `bw-rsp-${tag}-${suffix}`,
      name: `rsp-${suffix}`,
      imageRootfs: rootfs,
      args,
      netnsPath,
    });
    containers.push(c);
    return c;
  };

  beforeAll(async () => {
    rootfs = await (await buildImage(recipes.minbase)).rootfs();
  }, 300_000);

  afterAll(async () => {
    if (echo?.pid) process.kill(-echo.pid, "SIGKILL");
    for (const c of containers) {
      await sh("runc", ["resume", c.id]).catch(() => undefined);
      await c.remove();
    }
    for (const n of nets) await n.remove();
  });

  it("pause freezes the container (runc sees it paused, its work stops); runc resume and thaw() bring it back", async () => {
    const c = await start("p", ["bash", "-c", COUNTER]);
    expect(await advances(c)).toBe(true);
    const e = await initEvent(c);
    const [o] = await respond(e, "pause");
    expect(o, JSON.stringify(o)).toMatchObject({ action: "pause", status: "taken" });
    expect(o!.detail).toMatch(
      new RegExp(`^paused container ${c.id} .*(freezer\\.state = FROZEN|cgroup\\.freeze = 1)`),
    );
    expect(await eventually(async () => (await runcState(c.id))?.status === "paused")).toBe(true);
    const frozenAt = counter(c);
    await sleep(1500); // frozen tasks cannot run: no amount of waiting moves the counter
    expect(counter(c)).toBe(frozenAt);
    await sh("runc", ["resume", c.id]);
    expect(await advances(c)).toBe(true);
    // Again, undone this time by the library's own thaw().
    expect((await respond(e, "pause"))[0]?.status).toBe("taken");
    expect(await eventually(async () => (await runcState(c.id))?.status === "paused")).toBe(true);
    expect(thaw(e.process.pid, c.id)).toBe(true);
    expect(await advances(c)).toBe(true);
  }, 180_000);

  it("stop ends the container through runc; afterwards every action on it is refused with a clear reason", async () => {
    const c = await start("s", ["bash", "-c", COUNTER]);
    expect(await advances(c)).toBe(true);
    const e = await initEvent(c);
    const [o] = await respond(e, "stop");
    expect(o, JSON.stringify(o)).toMatchObject({ action: "stop", status: "taken" });
    expect(await eventually(async () => (await runcState(c.id)) === undefined)).toBe(true);
    const again = await respond(e, "kill", "pause", "stop", "isolate");
    expect(again.map((a) => [a.action, a.status])).toEqual([
      ["kill", "refused"],
      ["pause", "refused"],
      ["stop", "refused"],
      ["isolate", "refused"],
    ]);
    for (const a of again)
      expect(a.detail).toContain(`the process has exited (pid ${e.process.pid} is gone)`);
  }, 180_000);

  it("a container that disappears while its actions run: every action ends in an outcome, nothing throws", async () => {
    const c = await start("g", ["bash", "-c", COUNTER]);
    expect(await advances(c)).toBe(true);
    const e = await initEvent(c);
    const [outcomes] = await Promise.all([
      respond(e, "pause", "isolate", "stop", "kill"),
      sh("runc", ["delete", "-f", c.id]),
    ]);
    expect(outcomes.map((o) => o.action)).toEqual(["pause", "isolate", "stop", "kill"]);
    for (const o of outcomes) {
      expect(["taken", "refused", "failed"]).toContain(o.status);
      expect(o.detail.length).toBeGreaterThan(0);
    }
    expect(await runcState(c.id)).toBeUndefined();
  }, 180_000);

  it("a pid reused by a host process, or belonging to another container, is refused and left alone", async () => {
    const victim = await start("v", ["bash", "-c", COUNTER]);
    const other = await start("o", ["bash", "-c", COUNTER]);
    expect(await advances(victim)).toBe(true);
    const e = await initEvent(victim);
    const oldPid = e.process.pid;
    // Another container's process under this container's name: refused, still running.
    const foreign = await initEvent(other);
    foreign.container = e.container;
    expect((await respond(foreign, "kill", "pause"))!.map((o) => o.status)).toEqual(["refused", "refused"]);
    expect(await advances(other)).toBe(true);
    // The victim goes away and a host process is made to take its pid (ns_last_pid).
    await sh("runc", ["delete", "-f", victim.id]);
    await eventually(() => !existsSync(`/proc/${oldPid}`));
    let squatter: ChildProcess | undefined;
    for (let i = 0; i < 200 && squatter?.pid !== oldPid; i++) {
      squatter?.kill("SIGKILL");
      writeFileSync("/proc/sys/kernel/ns_last_pid", String(oldPid - 1));
      squatter = spawn("sleep", ["120"], { stdio: "ignore" });
      await new Promise((r) => squatter!.once("spawn", r));
    }
    try {
      expect(squatter?.pid, "could not take the old pid back (busy machine)").toBe(oldPid);
      const outcomes = await respond(e, "kill", "pause", "stop", "isolate");
      expect(outcomes.map((o) => o.status)).toEqual(["refused", "refused", "refused", "refused"]);
      for (const o of outcomes)
        expect(o.detail).toContain(`no longer belongs to container ${victim.id} (pid reused)`);
      expect(squatter!.exitCode).toBeNull();
      expect(squatter!.signalCode).toBeNull();
    } finally {
      squatter?.kill("SIGKILL");
    }
  }, 180_000);

  it("isolate: new connections out of the container fail, an established one keeps working", async () => {
    const [inner, outer] = await Promise.all([createNetns(`bw-ri-${tag}`), createNetns(`bw-rx-${tag}`)]);
    nets.push(inner!, outer!);
    const v = `bwr${tag}`;
    await sh("ip", ["link", "add", `${v}a`, "type", "veth", "peer", "name", `${v}b`]);
    await sh("ip", ["link", "set", `${v}a`, "netns", inner!.name]);
    await sh("ip", ["link", "set", `${v}b`, "netns", outer!.name]);
    await sh("ip", ["-n", inner!.name, "addr", "add", "10.79.0.1/24", "dev", `${v}a`]);
    await sh("ip", ["-n", outer!.name, "addr", "add", "10.79.0.2/24", "dev", `${v}b`]);
    await sh("ip", ["-n", inner!.name, "link", "set", `${v}a`, "up"]);
    await sh("ip", ["-n", outer!.name, "link", "set", `${v}b`, "up"]);
    echo = spawn("ip", ["netns", "exec", outer!.name, "perl", "-e", ECHO], {
      stdio: "ignore",
      detached: true,
    });
    const c = await start("i", ["perl", "-e", CLIENT], inner!.path);
    expect(await advances(c)).toBe(true); // the long-lived connection is up and answering
    const connects = async () => (await c.exec(["perl", "-e", CONNECT])).stdout;
    expect(await eventually(async () => (await connects()) === "connected")).toBe(true);
    const e = await initEvent(c);
    const [o] = await respond(e, "isolate");
    expect(o, JSON.stringify(o)).toMatchObject({ action: "isolate", status: "taken" });
    const alert = responseMatch(
      o!,
      { rule: "R", cause: "rule R", event: e },
      { enabled, at: "test.yaml:4" },
      "",
    );
    expect(alert.output).toMatch(
      new RegExp(
        `^isolated the network of container ${c.id} \\(pid ${e.process.pid} init\\) \\(nft table inet bulwark_isolate: established flows only; TCP connections open then: [1-9]\\d*\\), for rule R \\(enabled by alice at 2026-12-04T10:00:00Z; test.yaml:4\\)$`,
      ),
    );
    expect(await connects()).toBe("failed");
    expect(await advances(c)).toBe(true); // the established connection still carries data
    // One responder isolates a container once, however many events match after.
    const seen: ResponseOutcome[] = [];
    const once = new Responder([{ rule: "R", action: "isolate", host: false, enabled, at: "t:1" }], (x) =>
      seen.push(x),
    );
    for (let i = 0; i < 3; i++) once.handle({ rule: "R", cause: "rule R", event: e });
    await once.settle();
    expect(seen.map((x) => x.status)).toEqual(["taken"]);
    // Isolating twice replaces the table: still one, still the same effect.
    expect((await respond(e, "isolate"))[0]?.status).toBe("taken");
    const tables = await sh("ip", ["netns", "exec", inner!.name, "nft", "list", "tables"]);
    expect(tables.trim().split("\n")).toEqual(["table inet bulwark_isolate"]);
    expect(await connects()).toBe("failed");
    expect(await advances(c)).toBe(true);
  }, 180_000);
});
