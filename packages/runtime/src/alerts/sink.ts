/** Matches → alerts → limiter → every output. Counts what was sent and what was held back. */
import type { RuleMatch } from "../rules/index.js";
import { toAlert, type Alert } from "./alert.js";
import { AlertLimiter, type LimiterOptions } from "./limiter.js";
import type { AlertOutput } from "./outputs/types.js";

export class AlertSink {
  readonly limiter: AlertLimiter;
  sent = 0;
  byRule = new Map<string, number>();

  constructor(
    readonly outputs: AlertOutput[],
    limits: LimiterOptions = {},
  ) {
    this.limiter = new AlertLimiter(limits);
  }

  /**
   * Returns the alert when it was sent, undefined when a limit held it back. AUDIT alerts
   * (response actions taken or refused) are the record of what the agent did: never limited.
   */
  raise(m: RuleMatch, opts: { audit?: boolean } = {}): Alert | undefined {
    const alert = toAlert(m);
    if (!opts.audit) {
      const d = this.limiter.check(alert.rule, alert.container.id, alert.output);
      if (!d.send) return undefined;
      if (d.suppressedBefore > 0) alert.suppressed = d.suppressedBefore;
    }
    this.sent++;
    this.byRule.set(alert.rule, (this.byRule.get(alert.rule) ?? 0) + 1);
    for (const o of this.outputs) o.send(alert);
    return alert;
  }

  get outputErrors(): number {
    return this.outputs.reduce((n, o) => n + o.errors, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.outputs.map((o) => o.close()));
  }
}
