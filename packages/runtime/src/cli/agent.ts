/**
 * The watch loop: sensor → events → rule engine → alert sink, with a status file other
 * processes (`runtime status`) read. Everything stops cleanly on `stop()`.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { AlertSink } from "../alerts/index.js";
import { deviationCause, deviationMatch } from "../baseline/alerts.js";
import type { BaselineGuard } from "../baseline/guard.js";
import { BASELINE_DEVIATION, Responder, responseMatch, type ResponseEntry } from "../response/index.js";
import { ContextResolver } from "../context/index.js";
import type { RuntimeEvent } from "../events/index.js";
import type { RuleEngine } from "../rules/index.js";
import { BpftraceSensor } from "../sensor/bpftrace.js";
import { ProcPoller } from "../sensor/procfs.js";
import type { SensorStats } from "../sensor/stats.js";

export type SensorKind = "bpftrace" | "proc";

export interface AgentOptions {
  sensor: SensorKind;
  engine: RuleEngine;
  rulesLoaded: number;
  sink: AlertSink;
  statusFile: string;
  /** Called for every event (e.g. to record them for replay). */
  onEvent?: (e: RuntimeEvent) => void;
  /** Learned baselines: learn, or check and (through `responses`) act on deviations. */
  baseline?: { guard: BaselineGuard };
  /** What to do for which rule (and for `baseline-deviation`); absent rules do nothing. */
  responses?: ResponseEntry[];
}

/** A protect-mode deviation with no entry in the responses file: record what a kill would do. */
const DEVIATION_DRY_RUN: ResponseEntry = {
  rule: BASELINE_DEVIATION,
  action: "kill",
  host: false,
  at: "the protect-mode default",
};
const HOW_TO_ENABLE = "enable it in a responses file (runtime watch --responses FILE) to act";

export interface AgentStatus {
  pid: number;
  running: boolean;
  startedAt: string;
  updatedAt: string;
  sensor: SensorStats;
  /** Events per second over the last status interval. */
  eventsPerSecond: number;
  rulesLoaded: number;
  alerts: { sent: number; suppressed: number; outputErrors: number; byRule: Record<string, number> };
  containers: Array<{ id: string; name?: string; image?: string }>;
  rssBytes: number;
}

export class Agent {
  private readonly sensor: BpftraceSensor | ProcPoller;
  private readonly resolver = new ContextResolver();
  private timer?: NodeJS.Timeout;
  private lastEvents = 0;
  private lastAt = Date.now();
  private readonly startedAt = new Date().toISOString();
  private readonly baselineErrors = new Set<string>();
  private readonly responder: Responder;

  constructor(private readonly o: AgentOptions) {
    this.responder = new Responder(o.responses ?? [], (outcome, trigger, entry) =>
      o.sink.raise(responseMatch(outcome, trigger, entry, HOW_TO_ENABLE), {
        audit: outcome.status !== "dry-run",
      }),
    );
    const onEvent = (e: RuntimeEvent): void => {
      o.onEvent?.(e);
      for (const m of o.engine.evaluate(e)) {
        o.sink.raise(m);
        this.responder.handle({ rule: m.rule, cause: `rule "${m.rule}"`, event: e });
      }
      if (o.baseline) this.onBaseline(e, o.baseline.guard);
    };
    this.sensor =
      o.sensor === "proc"
        ? new ProcPoller({ context: this.resolver, onEvent })
        : new BpftraceSensor({ context: this.resolver, onEvent });
  }

  /** Each new behaviour is an alert; in protect mode it is responded to (a dry-run kill by default). */
  private onBaseline(e: RuntimeEvent, guard: BaselineGuard): void {
    for (const d of guard.observe(e)) {
      this.o.sink.raise(deviationMatch(d));
      if (d.mode === "protect")
        this.responder.handle(
          { rule: BASELINE_DEVIATION, cause: deviationCause(d), event: e },
          DEVIATION_DRY_RUN,
        );
    }
  }

  get stats(): SensorStats {
    return this.sensor.stats;
  }

  /** Resolves when a bpftrace sensor exits on its own (it crashed or was killed). */
  get sensorDone(): Promise<number | null> {
    return this.sensor.done;
  }

  sensorReason(): string {
    return this.sensor instanceof BpftraceSensor ? this.sensor.reason() : "";
  }

  async start(): Promise<void> {
    this.tickBaselines();
    await this.sensor.start();
    this.writeStatus(true);
    this.timer = setInterval(() => {
      this.tickBaselines();
      this.writeStatus(true);
    }, 2000);
    this.timer.unref();
  }

  /** Approved baselines are re-read (an approval takes effect while running); candidates saved. */
  private tickBaselines(): void {
    const guard = this.o.baseline?.guard;
    if (!guard) return;
    for (const e of guard.reload())
      if (!this.baselineErrors.has(e.message)) {
        this.baselineErrors.add(e.message);
        process.stderr.write(
          `runtime watch: ${e.code}: ${e.message} (the baseline loaded before stays in force)\n`,
        );
      }
    guard.flush();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sensor.stop();
    await this.responder.settle(); // every action started is finished and recorded
    this.o.baseline?.guard.flush();
    await this.o.sink.close();
    this.writeStatus(false);
  }

  status(running: boolean): AgentStatus {
    const now = Date.now();
    const s = this.sensor.stats;
    const rate = ((s.events - this.lastEvents) * 1000) / Math.max(1, now - this.lastAt);
    this.lastEvents = s.events;
    this.lastAt = now;
    return {
      pid: process.pid,
      running,
      startedAt: this.startedAt,
      updatedAt: new Date(now).toISOString(),
      sensor: s,
      eventsPerSecond: Math.round(rate * 10) / 10,
      rulesLoaded: this.o.rulesLoaded,
      alerts: {
        sent: this.o.sink.sent,
        suppressed: this.o.sink.limiter.suppressedTotal,
        outputErrors: this.o.sink.outputErrors,
        byRule: Object.fromEntries(this.o.sink.byRule),
      },
      containers: this.resolver.containersSeen().map((c) => ({ id: c.id, name: c.name, image: c.image })),
      rssBytes: process.memoryUsage().rss,
    };
  }

  private writeStatus(running: boolean): void {
    try {
      mkdirSync(dirname(this.o.statusFile), { recursive: true });
      const tmp = `${this.o.statusFile}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(this.status(running), null, 2)}\n`);
      renameSync(tmp, this.o.statusFile);
    } catch {
      // status is advisory; the watch goes on
    }
  }
}
