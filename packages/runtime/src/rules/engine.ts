/**
 * Evaluates events against compiled rules. Rules are indexed by the evt.type values
 * their conditions can match, so an event is only checked against the rules that
 * could fire for it. Every matching rule fires (Falco's `rule_matching: all`).
 */
import type { RuntimeEvent } from "../events/types.js";
import type { Priority } from "./definitions.js";
import { eventTypeOf } from "./fields/event.js";
import type { EvalContext } from "./fields/types.js";
import type { CompiledRule } from "./rule.js";

export interface RuleMatch {
  rule: string;
  priority: Priority;
  tags: string[];
  output: string;
  event: RuntimeEvent;
}

export class RuleEngine {
  private readonly byType = new Map<string, CompiledRule[]>();
  private readonly anyType: CompiledRule[] = [];
  private readonly merged = new Map<string, CompiledRule[]>();
  private readonly ctx: EvalContext = { num: 0 };
  readonly active: CompiledRule[];

  constructor(rules: readonly CompiledRule[]) {
    this.active = rules.filter((r) => r.enabled && r.evaluable);
    for (const r of this.active) {
      if (r.eventTypes === null) {
        this.anyType.push(r);
        continue;
      }
      for (const t of r.eventTypes) {
        const list = this.byType.get(t) ?? [];
        list.push(r);
        this.byType.set(t, list);
      }
    }
  }

  /** Rules that could match an event of this evt.type, in load order. */
  candidates(evtType: string): CompiledRule[] {
    let list = this.merged.get(evtType);
    if (!list) {
      const typed = this.byType.get(evtType) ?? [];
      const set = new Set([...typed, ...this.anyType]);
      list = this.active.filter((r) => set.has(r));
      this.merged.set(evtType, list);
    }
    return list;
  }

  evaluate(e: RuntimeEvent): RuleMatch[] {
    this.ctx.num++;
    const out: RuleMatch[] = [];
    for (const r of this.candidates(eventTypeOf(e))) {
      if (r.match(e, this.ctx))
        out.push({
          rule: r.name,
          priority: r.priority,
          tags: r.tags,
          output: r.render(e, this.ctx),
          event: e,
        });
    }
    return out;
  }
}
