/**
 * The live sensor (real bpftrace) sees the very first events after start() resolves.
 * bpftrace prints "attached_probes" before it attaches them; the sensor used to start on
 * that line and missed the first 10–30 ms of a burst. Skipped (reason printed) when not
 * root or bpftrace is missing.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ContextResolver } from "../context/index.js";
import type { RuntimeEvent } from "../events/index.js";
import { BpftraceSensor, defaultRingPages } from "./bpftrace.js";

const missing = [
  process.getuid?.() !== 0 ? "root" : "",
  existsSync("/usr/bin/bpftrace") ? "" : "/usr/bin/bpftrace",
].filter(Boolean);
if (missing.length) console.warn(`bpftrace.test skipped: needs ${missing.join(", ")}`);

const BURST = 3000;

describe.skipIf(missing.length > 0)("bpftrace sensor start-up", () => {
  const seen: RuntimeEvent[] = [];
  const sensor = new BpftraceSensor({ context: new ContextResolver(), onEvent: (e) => seen.push(e) });
  afterAll(() => sensor.stop());

  it("captures a burst of opens started the moment start() resolves, with no drop", async () => {
    await sensor.start();
    // /etc/shadow is a read prefix, so every one of these opens is emitted by the kernel side.
    const perl = spawn("perl", [
      "-e",
      `for (1..${BURST}) { open(my $f, "<", "/etc/shadow") or die; close $f }`,
    ]);
    const code = await new Promise((resolve) => perl.once("close", resolve));
    expect(code).toBe(0);
    const mine = () => seen.filter((e) => e.type === "open" && e.process.pid === perl.pid).length;
    for (let i = 0; i < 100 && mine() + sensor.stats.lost < BURST; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(sensor.stats.lost).toBe(0);
    expect(mine()).toBe(BURST);
  });
});

describe("ring buffer size", () => {
  it("is 16 MiB per CPU on small machines and stays within 256 MiB in total", () => {
    expect(defaultRingPages(2)).toBe(4096);
    for (const cpus of [1, 2, 8, 16, 64, 256]) {
      const pages = defaultRingPages(cpus);
      expect(Math.log2(pages) % 1).toBe(0);
      expect(pages * 4096 * cpus <= 256 * 1024 * 1024 || pages === 256).toBe(true);
    }
    expect(defaultRingPages(64)).toBe(1024);
    expect(defaultRingPages(1024)).toBe(256);
  });
});
