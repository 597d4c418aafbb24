/**
 * Baseline (learned behaviour) cost per event beside the plain rule path, in one run on the
 * same events: the default rule engine alone, the rule engine plus the baseline guard in
 * monitor mode (what `runtime watch --baseline-dir` does per event), and the guard alone in
 * monitor and in learn mode. Real code paths: RuleEngine with Bulwark's default rules,
 * BaselineGuard over a BaselineStore of approved YAML files in a temp directory.
 *
 *   npm run bench -- runtime-behaviour baseline [EVENTS=200000] [--events=FILE]
 *
 * The stream: with --events=FILE, a `runtime watch --record` file (real sensor events), cycled to
 * the wanted count; otherwise generated from the testkit's sensor-shaped benign events
 * (nginx + a batch job: exec, opens, listen, accept, connect, exit) spread over 40 workloads,
 * with a third of the events from the host (as on a real node, where the host is busy too)
 * and one event in 500 a behaviour the baseline never saw (new executable or destination).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BaselineGuard } from "../../packages/runtime/src/baseline/guard.js";
import { workloadOf } from "../../packages/runtime/src/baseline/profile.js";
import { BaselineStore } from "../../packages/runtime/src/baseline/store.js";
import { checkRuntimeEvent, type RuntimeEvent } from "../../packages/runtime/src/index.js";
import { RuleEngine, defaultRuleFiles, loadRuleFiles } from "../../packages/runtime/src/rules/index.js";
import { benignEvents } from "../../packages/runtime/src/testkit/scenarios.js";

const WORKLOADS = 40;

function generated(n: number): RuntimeEvent[] {
  const benign = benignEvents();
  const out: RuntimeEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e = structuredClone(benign[i % benign.length]!);
    const w = i % WORKLOADS;
    e.process.pid = 1000 + (i % 30000);
    if (i % 3 === 0) e.container = { id: "host" };
    else
      e.container = {
        ...e.container,
        id: `c${w}`,
        name: `w${w}`,
        imageDigest: `sha256:${w.toString(16).padStart(64, "0")}`,
      };
    if (e.type === "open") e.path = `${e.path.slice(0, e.path.lastIndexOf("/"))}/f${i % 500}`;
    if (i % 500 === 250 && e.type === "exec") e.process.exePath = `/tmp/new-${i % 7}`;
    if (i % 500 === 250 && e.type === "connect" && e.remote) e.remote = { ...e.remote, port: 6000 + (i % 7) };
    out.push(e);
  }
  return out;
}

function recorded(file: string, n: number): RuntimeEvent[] {
  const events: RuntimeEvent[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const c = checkRuntimeEvent(JSON.parse(line));
    if (c.ok) events.push(c.event);
  }
  if (!events.length) throw new Error(`${file}: no events`);
  return Array.from({ length: n }, (_, i) => events[i % events.length]!);
}

/**
 * CPU nanoseconds per event of each variant over the stream, the median of `rounds` passes.
 * The variants take turns within each round (in a rotating order), so a burst of load from
 * the machine's other work falls on all of them alike rather than on one.
 */
function nsPerEvent(
  events: RuntimeEvent[],
  rounds: number,
  variants: Array<() => (e: RuntimeEvent) => void>,
): number[] {
  const ns = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < variants.length; k++) {
      const v = (k + r) % variants.length;
      const each = variants[v]!();
      const c = process.cpuUsage();
      for (const e of events) each(e);
      const d = process.cpuUsage(c);
      ns[v]!.push(((d.user + d.system) * 1000) / events.length);
    }
  return ns.map((xs) => xs.sort((a, b) => a - b)[Math.floor(rounds / 2)]!);
}

/** Learns the stream's non-deviating events into candidates, then approves each in monitor mode. */
function approvedStore(events: RuntimeEvent[], dir: string): BaselineStore {
  const store = new BaselineStore(dir);
  const learner = new BaselineGuard(store, "bench");
  for (const e of events) {
    const novel =
      e.process.exePath?.startsWith("/tmp/new-") || (e.type === "connect" && (e.remote?.port ?? 0) >= 6000);
    if (!novel) learner.observe(e);
  }
  learner.flush();
  const keys = new Set(events.map((e) => workloadOf(e)?.key).filter((k) => k !== undefined));
  for (const key of keys) {
    const c = store.read(key, "candidate");
    if (c) store.write({ ...c, mode: "monitor" }, "approved");
  }
  return store;
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200_000);
  const file = args.find((a) => a.startsWith("--events="))?.slice("--events=".length);
  const events = file ? recorded(file, n) : generated(n);
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-baseline-"));
  try {
    const store = approvedStore(events, dir);
    const engine = new RuleEngine(loadRuleFiles(defaultRuleFiles()).rules);
    const monitor = () => {
      const g = new BaselineGuard(store, "bench");
      g.reload();
      return g;
    };
    // Warm-up of both paths (JIT), outside the measurement.
    const warm = monitor();
    for (const e of events.slice(0, 20_000)) {
      engine.evaluate(e);
      warm.observe(e);
    }
    let deviations = 0;
    const rounds = 7;
    const [rules, both, guardOnly, learnOnly] = nsPerEvent(events, rounds, [
      () => (e) => void engine.evaluate(e),
      () => {
        const g = monitor();
        deviations = 0;
        return (e) => {
          engine.evaluate(e);
          deviations += g.observe(e).length;
        };
      },
      () => {
        const g = monitor();
        return (e) => void g.observe(e);
      },
      () => {
        const g = new BaselineGuard(new BaselineStore(join(dir, "empty")), "bench");
        return (e) => void g.observe(e);
      },
    ]) as [number, number, number, number];
    const rate = (ns: number) => `${Math.round(1e9 / ns).toLocaleString("en-US")} events/s`;
    const workloads = store.loadApproved().baselines.length;
    console.log(
      `stream: ${n.toLocaleString("en-US")} events (${file ? `recorded: ${file}` : "generated from sensor-shaped events"}), ` +
        `${workloads} workloads with an approved monitor-mode baseline; CPU time, median of ${rounds} passes`,
    );
    console.log(`  rules only (default rules):        ${rules.toFixed(0)} ns/event  (${rate(rules)})`);
    console.log(
      `  rules + baseline (monitor):        ${both.toFixed(0)} ns/event  (${rate(both)}); ${deviations} deviations per pass`,
    );
    console.log(
      `  baseline alone, monitor:           ${guardOnly.toFixed(0)} ns/event  (${rate(guardOnly)}), ${((guardOnly / rules) * 100).toFixed(0)}% of the rule path's cost`,
    );
    console.log(
      `  baseline alone, learn:             ${learnOnly.toFixed(0)} ns/event  (${rate(learnOnly)})`,
    );
    console.log(
      `  load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
