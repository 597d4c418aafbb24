/**
 * Deduplication and rate limits per rule + container, so a loop in one container cannot
 * flood an output: an identical output within `dedupMs` is dropped, and each key has a
 * token bucket (`burst` alerts, refilled at `perMinute`). Dropped alerts are counted and
 * the next alert sent for that key carries the count (`suppressed`).
 */
export interface LimiterOptions {
  dedupMs?: number;
  burst?: number;
  perMinute?: number;
  now?: () => number;
}

interface KeyState {
  tokens: number;
  refilled: number;
  lastOutput?: string;
  lastAt: number;
  suppressed: number;
}

export type LimitDecision =
  { send: true; suppressedBefore: number } | { send: false; reason: "duplicate" | "rate" };

export class AlertLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  suppressedTotal = 0;

  constructor(private readonly o: LimiterOptions = {}) {
    this.now = o.now ?? (() => Date.now());
  }

  check(rule: string, containerId: string, output: string): LimitDecision {
    const key = `${rule}\u0000${containerId}`;
    const now = this.now();
    const burst = this.o.burst ?? 20;
    let s = this.keys.get(key);
    if (!s) {
      s = { tokens: burst, refilled: now, lastAt: 0, suppressed: 0 };
      this.keys.set(key, s);
      if (this.keys.size > 50_000) this.keys.clear();
    }
    const perMs = (this.o.perMinute ?? 60) / 60_000;
    s.tokens = Math.min(burst, s.tokens + (now - s.refilled) * perMs);
    s.refilled = now;
    if (s.lastOutput === output && now - s.lastAt < (this.o.dedupMs ?? 10_000))
      return this.drop(s, "duplicate");
    if (s.tokens < 1) return this.drop(s, "rate");
    s.tokens -= 1;
    s.lastOutput = output;
    s.lastAt = now;
    const suppressedBefore = s.suppressed;
    s.suppressed = 0;
    return { send: true, suppressedBefore };
  }

  private drop(s: KeyState, reason: "duplicate" | "rate"): LimitDecision {
    s.suppressed++;
    this.suppressedTotal++;
    return { send: false, reason };
  }
}
