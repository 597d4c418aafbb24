/**
 * Decides and runs responses: for a rule match (or a protect-mode baseline deviation) it looks
 * up the entries of the responses file, records a dry run for entries nobody enabled, and runs
 * enabled actions — one at a time per container, so a pause and a stop for the same container
 * never interleave. A container-wide action (pause, stop, isolate) runs once per container: a
 * rule that keeps matching in an isolated container does not isolate it (and record that,
 * unrate-limited) again for every event. Each outcome is handed to `record` (the agent raises
 * it as an alert).
 * `settle()` waits for the actions still running, so a stopping agent records them all.
 */
import { ACTIONS } from "./actions.js";
import type { ResponseEntry } from "./policy.js";
import { targetOf } from "./target.js";
import { outcome, type ResponseOutcome } from "./types.js";
import type { ResponseTrigger } from "./alert.js";

export type ResponseRecorder = (o: ResponseOutcome, trigger: ResponseTrigger, entry: ResponseEntry) => void;

export class Responder {
  private readonly byRule = new Map<string, ResponseEntry[]>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  /** `action:container` of container-wide actions queued, running or taken. */
  private readonly claimed = new Set<string>();

  constructor(
    entries: ResponseEntry[],
    private readonly record: ResponseRecorder,
  ) {
    for (const e of entries) this.byRule.set(e.rule, [...(this.byRule.get(e.rule) ?? []), e]);
  }

  /** Rules that have at least one entry (to check them against the rules loaded). */
  get rules(): string[] {
    return [...this.byRule.keys()];
  }

  /** FALLBACK is the dry-run entry used when the file says nothing about this rule. */
  handle(trigger: ResponseTrigger, fallback?: ResponseEntry): void {
    const entries = this.byRule.get(trigger.rule) ?? (fallback ? [fallback] : []);
    if (entries.length === 0) return; // the common case: a rule match with no response
    const target = targetOf(trigger.event);
    for (const entry of entries) {
      const action = ACTIONS[entry.action];
      if (!entry.enabled) {
        this.record(
          outcome(action.name, "dry-run", target, `dry run: would ${action.describe(target)}`),
          trigger,
          entry,
        );
        continue;
      }
      const claim = `${action.name}:${target.containerId}`;
      if (action.scope === "container") {
        if (this.claimed.has(claim)) continue;
        this.claimed.add(claim);
      }
      this.enqueue(target.containerId, async () => {
        const o = await action
          .run(target, { host: entry.host && action.hostCapable })
          .catch((err: unknown): ResponseOutcome =>
            outcome(action.name, "failed", target, `${action.name} failed: ${(err as Error).message}`),
          );
        // Not done: a later event (another process of the container) may try again.
        if (o.status !== "taken") this.claimed.delete(claim);
        this.record(o, trigger, entry);
      });
    }
  }

  private enqueue(key: string, job: () => Promise<void>): void {
    // A job never rejects (a recorder that throws must not stop the next action of the queue).
    const safe = () => job().catch(() => undefined);
    const next = (this.queues.get(key) ?? Promise.resolve()).then(safe);
    this.queues.set(key, next);
    this.running.add(next);
    void next.finally(() => {
      this.running.delete(next);
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  /** Resolves when every action started so far has finished (and been recorded). */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
