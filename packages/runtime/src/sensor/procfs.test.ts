/**
 * The lossy /proc fallback on this machine's real /proc: a process started after the
 * baseline poll is an exec event (source "proc"), its end an exit event, and a TCP
 * listener it opens a listen event with the right port.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../events/index.js";
import { ContextResolver } from "../context/index.js";
import { ProcPoller } from "./procfs.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ProcPoller", () => {
  it("sees a new process, its TCP listener and its exit; says it is lossy", async () => {
    const events: RuntimeEvent[] = [];
    const p = new ProcPoller({
      context: new ContextResolver(),
      onEvent: (e) => events.push(e),
      intervalMs: 100,
    });
    await p.start();
    const child = spawn(
      "perl",
      [
        "-MIO::Socket::INET",
        "-e",
        '$s=IO::Socket::INET->new(LocalAddr=>"127.0.0.1",LocalPort=>0,Listen=>1) or die; print $s->sockport, "\\n"; sleep 2',
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const port = await new Promise<number>((r) =>
      child.stdout.once("data", (d: Buffer) => r(Number(d.toString().trim()))),
    );
    await new Promise((r) => child.once("close", r));
    await sleep(400);
    await p.stop();
    const mine = events.filter((e) => e.process.pid === child.pid);
    expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(["exec", "listen", "exit"]));
    const listen = mine.find((e) => e.type === "listen");
    expect(listen && "local" in listen ? listen.local?.port : undefined).toBe(port);
    expect(mine.every((e) => e.source === "proc")).toBe(true);
    expect(mine.find((e) => e.type === "exec")?.process.name).toBe("perl");
    expect(p.stats.lossy).toBe(true);
  });
});
