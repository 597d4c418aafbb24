/**
 * The shared target checks and the responder, on real host processes (a `sleep` the test
 * spawns): refusals for host processes, reused pids, vanished processes and other
 * containers; a host kill only where the entry says host: true; dry runs act on nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../events/index.js";
import { execEventOf } from "../testkit/events.js";
import type { ResponseEntry } from "./policy.js";
import { Responder } from "./responder.js";
import { cgroupNamesContainer, checkTarget, processStartMs, sameProcess, targetOf } from "./target.js";
import type { ResponseOutcome } from "./types.js";

function event(pid: number, containerId: string, startTime?: string): RuntimeEvent {
  return execEventOf(pid, { id: containerId }, { name: "sleep", startTime });
}

async function sleeper(): Promise<ChildProcess & { pid: number; startTime: string }> {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  await new Promise((r) => child.once("spawn", r));
  return Object.assign(child, {
    pid: child.pid!,
    startTime: new Date(processStartMs(child.pid!)!).toISOString(),
  });
}

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;
const exited = (c: ChildProcess) => new Promise((r) => (alive(c) ? c.once("exit", r) : r(null)));

function responder(entries: ResponseEntry[]): { r: Responder; got: ResponseOutcome[] } {
  const got: ResponseOutcome[] = [];
  return { r: new Responder(entries, (o) => got.push(o)), got };
}

const enabled = { by: "alice", at: "2026-12-04T10:00:00Z" };

describe("response target checks", () => {
  it("never acts on a host process unless asked, nor on the agent itself", async () => {
    const c = await sleeper();
    try {
      expect(checkTarget(targetOf(event(c.pid, "host", c.startTime)), { host: false })).toEqual({
        ok: false,
        reason: expect.stringContaining("a host process") as string,
      });
      expect(checkTarget(targetOf(event(c.pid, "host", c.startTime)), { host: true })).toEqual({ ok: true });
      // Without a start time nothing could tell a reused host pid apart: refused even with host.
      expect(checkTarget(targetOf(event(c.pid, "host")), { host: true })).toMatchObject({ ok: false });
      expect(checkTarget(targetOf(event(process.pid, "host", c.startTime)), { host: true })).toMatchObject({
        ok: false,
        reason: "the target is the agent itself",
      });
      expect(alive(c)).toBe(true);
    } finally {
      c.kill();
    }
  });

  it("refuses a pid that belongs to another container (pid reused) or started after the event", async () => {
    const c = await sleeper();
    try {
      expect(checkTarget(targetOf(event(c.pid, "bw-not-here", c.startTime)), { host: true })).toMatchObject({
        ok: false,
        reason: expect.stringContaining("no longer belongs to container bw-not-here (pid reused)") as string,
      });
      const before = new Date(Date.parse(c.startTime) - 30_000).toISOString();
      expect(checkTarget(targetOf(event(c.pid, "host", before)), { host: true })).toMatchObject({
        ok: false,
        reason: expect.stringContaining("started at another time") as string,
      });
      expect(alive(c)).toBe(true);
    } finally {
      c.kill();
    }
  });

  it("refuses a vanished process with a clear reason", () => {
    expect(checkTarget(targetOf(event(2 ** 22 + 1, "bw-x")), { host: false })).toEqual({
      ok: false,
      reason: `the process has exited (pid ${2 ** 22 + 1} is gone)`,
    });
  });

  it("takes a process that forked long before its exec for the same one, and a later start for pid reuse", () => {
    const exec = Date.parse("2026-12-04T16:00:10Z");
    expect(sameProcess(exec - 5_000, exec)).toBe(true); // runc exec under load: fork, setup, exec
    expect(sameProcess(exec + 500, exec)).toBe(true); // clock rounding
    expect(sameProcess(exec + 3_000, exec)).toBe(false); // started after the event: another process
  });

  it("matches container ids as whole cgroup path segments, as runtimes spell them", () => {
    expect(cgroupNamesContainer("6:freezer:/bw-x\n0::/bw-x\n", "bw-x")).toBe(true);
    expect(cgroupNamesContainer("0::/system.slice/docker-abc123.scope\n", "abc123")).toBe(true);
    expect(cgroupNamesContainer("4:pids:/docker/abc123\n", "abc123")).toBe(true);
    expect(cgroupNamesContainer("3:cpu:/kubepods.slice/p.slice:cri-containerd:abc123\n", "abc123")).toBe(
      true,
    );
    expect(cgroupNamesContainer("0::/bw-x2\n", "bw-x")).toBe(false);
    expect(cgroupNamesContainer("0::/user.slice/session-3.scope\n", "3")).toBe(false);
  });
});

describe("responder", () => {
  it("records a dry run and does nothing when the entry was not enabled", async () => {
    const c = await sleeper();
    try {
      const { r, got } = responder([{ rule: "R", action: "kill", host: true, at: "f:4" }]);
      r.handle({ rule: "R", cause: "rule R", event: event(c.pid, "host", c.startTime) });
      r.handle({ rule: "other", cause: "rule other", event: event(c.pid, "host", c.startTime) });
      await r.settle();
      expect(got.map((o) => [o.status, o.detail])).toEqual([
        ["dry-run", `dry run: would kill pid ${c.pid} (sleep)`],
      ]);
      expect(alive(c)).toBe(true);
    } finally {
      c.kill();
    }
  });

  it("kills a host process only when its enabled entry says host: true, and settles before reporting", async () => {
    const c = await sleeper();
    try {
      const e = event(c.pid, "host", c.startTime);
      const off = responder([{ rule: "R", action: "kill", host: false, enabled, at: "f:4" }]);
      off.r.handle({ rule: "R", cause: "rule R", event: e });
      await off.r.settle();
      expect(off.got.map((o) => o.status)).toEqual(["refused"]);
      expect(alive(c)).toBe(true);
      const on = responder([{ rule: "R", action: "kill", host: true, enabled, at: "f:4" }]);
      on.r.handle({ rule: "R", cause: "rule R", event: e });
      await on.r.settle();
      expect(on.got.map((o) => [o.status, o.detail])).toEqual([["taken", `killed pid ${c.pid} (sleep)`]]);
      await exited(c);
      expect(c.signalCode).toBe("SIGKILL");
    } finally {
      c.kill();
    }
  });

  it("a refused container-wide action is tried again for the next event (only a taken one counts)", async () => {
    const { r, got } = responder([{ rule: "R", action: "stop", host: false, enabled, at: "f:4" }]);
    const gone = event(2 ** 22 + 1, "bw-gone");
    // While one is queued or running, more events for the same container add nothing.
    r.handle({ rule: "R", cause: "rule R", event: gone });
    r.handle({ rule: "R", cause: "rule R", event: gone });
    await r.settle();
    expect(got.map((o) => o.status)).toEqual(["refused"]);
    r.handle({ rule: "R", cause: "rule R", event: gone });
    await r.settle();
    expect(got.map((o) => o.status)).toEqual(["refused", "refused"]);
  });

  it("never pauses, stops or isolates the host, whatever the entry says", async () => {
    const c = await sleeper();
    try {
      const entries: ResponseEntry[] = (["pause", "stop", "isolate"] as const).map((action) => ({
        rule: "R",
        action,
        host: true, // the parser refuses this; the responder must not rely on it
        enabled,
        at: "f:4",
      }));
      const { r, got } = responder(entries);
      r.handle({ rule: "R", cause: "rule R", event: event(c.pid, "host", c.startTime) });
      await r.settle();
      expect(got.map((o) => [o.action, o.status])).toEqual([
        ["pause", "refused"],
        ["stop", "refused"],
        ["isolate", "refused"],
      ]);
      expect(got.every((o) => o.detail.includes("a host process"))).toBe(true);
      expect(alive(c)).toBe(true);
    } finally {
      c.kill();
    }
  });
});
