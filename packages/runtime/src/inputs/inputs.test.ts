/**
 * Falco JSON and Tetragon JSON inputs. No Falco or Tetragon runs on this machine, so the
 * fixtures (fixtures/*.jsonl) are hand-written from their documented output formats
 * (Falco json_output with output_fields; Tetragon's export of process_exec,
 * process_kprobe and process_exit). Each line describes the same behaviour as one of
 * the scenario events the live sensor emits, and must raise the same default alerts.
 */
import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../events/types.js";
import { RuleEngine, defaultRuleFiles, loadRuleFiles } from "../rules/index.js";
import { ATTACKS } from "../testkit/scenarios.js";
import { readEvents, type StreamStats } from "./stream.js";

const fixture = (n: string): string => fileURLToPath(new URL(`./fixtures/${n}`, import.meta.url));
const engine = new RuleEngine(loadRuleFiles(defaultRuleFiles()).rules);
const rulesFor = (e: RuntimeEvent): string[] =>
  engine
    .evaluate(e)
    .map((m) => m.rule)
    .sort();
const nativeRules = (scenario: string): string[] =>
  ATTACKS.find((a) => a.rule === scenario)!
    .events.flatMap(rulesFor)
    .sort();

async function read(input: Readable): Promise<{ events: RuntimeEvent[]; stats: StreamStats }> {
  const stats: StreamStats = { lines: 0, events: 0, skipped: {} };
  const events: RuntimeEvent[] = [];
  for await (const e of readEvents(input, "auto", stats)) events.push(e);
  return { events, stats };
}

describe("Falco JSON input", () => {
  it("maps alerts onto events that raise the same alerts as the sensor's events for the same behaviour", async () => {
    const { events, stats } = await read(createReadStream(fixture("falco.jsonl")));
    expect(stats.skipped).toEqual({ 'source "k8s_audit" is not a syscall event': 1 });
    const scenarios = [
      "Terminal Shell in Container",
      "Read Sensitive File",
      "Cloud Metadata Service Access",
      "Setuid Bit Set",
      "Ptrace Attach",
    ];
    expect(events.map(rulesFor)).toEqual(scenarios.map(nativeRules));
    expect(events[0]!.container).toMatchObject({
      id: "3f4e5d6c7b8a",
      name: "web",
      image: "docker.io/library/nginx:1.25",
    });
    expect(events[2]).toMatchObject({ type: "connect", remote: { ip: "169.254.169.254", port: 80 } });
  });
});

describe("Tetragon JSON input", () => {
  it("maps exec, kprobe and exit events; same alerts as the sensor's events for the same behaviour", async () => {
    const { events, stats } = await read(createReadStream(fixture("tetragon.jsonl")));
    expect(stats.skipped).toEqual({ "unsupported Tetragon event": 1 });
    const scenarios = [
      "Crypto Miner Process",
      "Nsenter Executed",
      "Read Sensitive File",
      "Cloud Metadata Service Access",
      "Setuid to Root from Non-Root",
      "Ptrace Attach",
      "Mount in Container",
    ];
    expect(events.slice(0, 7).map(rulesFor)).toEqual(scenarios.map(nativeRules));
    expect(events[7]).toMatchObject({ type: "exit" });
    expect(rulesFor(events[7]!)).toEqual([]);
    expect(events[0]!.container).toMatchObject({
      id: "3f4e5d6c7b8a",
      imageDigest: "sha256:aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233",
    });
    expect(events[0]!.k8s).toEqual({ podName: "web-7d9f", namespace: "default", containerName: "web" });
    expect(events[0]!.process.ancestors[0]).toMatchObject({ pid: 4242, name: "bash" });
  });
});

describe("event stream bad input", () => {
  it("garbage, truncated and over-long lines are counted and skipped; good lines still arrive", async () => {
    const good = JSON.stringify(ATTACKS[0]!.events[0]);
    const long = `{"x":"${"a".repeat(3 * 1024 * 1024)}"}`;
    const text = [
      "not json",
      good,
      '{"schema":1',
      long,
      "[1,2]",
      "",
      '{"schema":1,"type":"exec"}',
      good,
    ].join("\n");
    const { events, stats } = await read(Readable.from([Buffer.from(text)]));
    expect(events).toHaveLength(2);
    expect(stats).toMatchObject({ lines: 7, events: 2 });
    expect(stats.skipped).toEqual({
      "not JSON": 2,
      "line too long": 1,
      "unrecognised record": 1,
      "not a Bulwark event": 1,
    });
  });

  it("a 100 MB stream of garbage with a few events: every bad line counted, memory bounded by the line limit", async () => {
    const good = Buffer.from(`${JSON.stringify(ATTACKS[0]!.events[0])}\n`);
    const garbageLine = Buffer.from(`${"#".repeat(1000)}\n`);
    const noNewline = Buffer.alloc(8 * 1024 * 1024, 0x41); // 8 MiB without a newline
    const chunks: Buffer[] = [];
    const block = Buffer.concat(Array.from({ length: 1000 }, () => garbageLine)); // ~1 MB
    let size = 0;
    for (let i = 0; size < 100 * 1024 * 1024; i++) {
      const c =
        i % 10 === 0
          ? Buffer.concat([block, good])
          : i === 55
            ? Buffer.concat([noNewline, Buffer.from("\n")])
            : block;
      chunks.push(c);
      size += c.length;
    }
    const { events, stats } = await read(Readable.from(chunks));
    const expectedGood = chunks.filter((_c, i) => i % 10 === 0).length;
    expect(events).toHaveLength(expectedGood);
    expect(stats.skipped["line too long"]).toBe(1);
    expect(stats.skipped["not JSON"]).toBe(stats.lines - expectedGood - 1);
  }, 120_000);
});
