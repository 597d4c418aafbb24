/**
 * Rule evaluation rate: Bulwark's default rules plus Falco's rule files (stable,
 * incubating, sandbox) on a recorded stream of events, beside a plain parse of the same
 * stream. Goal: ≥ 300,000 events/s on one core (Node is single-threaded here).
 *
 *   npm run bench -- runtime-rules [events=200000]
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkRuntimeEvent, type RuntimeEvent } from "../packages/runtime/src/index.js";
import { RuleEngine, defaultRuleFiles, loadRuleFiles } from "../packages/runtime/src/rules/index.js";
import { falcoRulesDir } from "../packages/runtime/src/testkit/paths.js";
import { ATTACKS, benignEvents } from "../packages/runtime/src/testkit/scenarios.js";

const GOAL = 300_000;

/** A stream shaped like a busy node: mostly opens and connects, some execs, a few attacks. */
function recordedStream(n: number): string[] {
  const benign = benignEvents();
  const attacks = ATTACKS.flatMap((a) => a.events);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const src = i % 100 === 0 ? attacks[(i / 100) % attacks.length]! : benign[i % benign.length]!;
    const e = structuredClone(src) as RuntimeEvent;
    e.process.pid = 1000 + (i % 30000);
    if (e.type === "open") e.path = `${e.path}.${i % 500}`;
    if (e.type === "exec") e.process.args = [...e.process.args, `--worker=${i % 64}`];
    lines.push(JSON.stringify(e));
  }
  return lines;
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString("en-US")} events/s`;
}

/**
 * Wall time and this process's CPU time of fn. The machine is shared, so the CPU-time
 * rate (events per second of CPU actually given to us) is printed beside the wall rate.
 */
function timed(fn: () => void): { wallMs: number; cpuMs: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wallMs = performance.now() - t;
  const d = process.cpuUsage(c);
  return { wallMs, cpuMs: (d.user + d.system) / 1000 };
}

const both = (n: number, x: { wallMs: number; cpuMs: number }): string =>
  `${rate(n, x.wallMs)} wall, ${rate(n, x.cpuMs)} per CPU-second`;

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 200_000);
  const falco = falcoRulesDir();
  const files = [
    ...(falco
      ? ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"]
          .map((f) => join(falco, f))
          .filter(existsSync)
      : []),
    ...defaultRuleFiles(),
  ];
  if (!falco) console.log("note: shared/peers/falco not found; Bulwark's default rules only");
  const t0 = performance.now();
  const loaded = loadRuleFiles(files);
  const engine = new RuleEngine(loaded.rules);
  const loadMs = performance.now() - t0;
  const anyType = engine.active.filter((r) => r.eventTypes === null).length;
  console.log(
    `rules: ${loaded.rules.length} loaded, ${engine.active.length} active (${anyType} unrestricted by evt.type), ${loaded.macros} macros, ${loaded.lists} lists; load+compile ${loadMs.toFixed(0)} ms`,
  );

  const lines = recordedStream(n);
  const bytes = lines.reduce((s, l) => s + l.length + 1, 0);
  console.log(
    `stream: ${n.toLocaleString("en-US")} events, ${(bytes / 1048576).toFixed(1)} MiB of JSON lines`,
  );

  // Warm up the JIT on a slice before measuring.
  for (const l of lines.slice(0, 20_000)) engine.evaluate(JSON.parse(l) as RuntimeEvent);

  const parsed: RuntimeEvent[] = [];
  const parse = timed(() => {
    for (const l of lines) {
      const c = checkRuntimeEvent(JSON.parse(l));
      if (c.ok) parsed.push(c.event);
    }
  });
  let alerts = 0;
  const evaluate = timed(() => {
    for (const e of parsed) alerts += engine.evaluate(e).length;
  });
  let alerts2 = 0;
  const combined = timed(() => {
    for (const l of lines) {
      const c = checkRuntimeEvent(JSON.parse(l));
      if (c.ok) alerts2 += engine.evaluate(c.event).length;
    }
  });
  const goal = `goal ≥ ${GOAL.toLocaleString("en-US")} events/s`;
  console.log(`plain parse (JSON.parse + schema check): ${both(n, parse)}`);
  console.log(`rule evaluation only (parsed events):    ${both(n, evaluate)}   ${goal}`);
  console.log(`parse + evaluate:                        ${both(n, combined)}   ${goal}`);
  console.log(
    `load average: ${(await import("node:os"))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  console.log(`alerts: ${alerts} (${alerts2} in the combined pass)`);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
