/**
 * Evaluates Kubernetes audit events against the k8s_audit rules of a loaded rule set
 * (Falco's k8s_audit_rules.yaml, Bulwark's own audit rules), one alert per match.
 */
import type { AuditEvent } from "../events/audit.js";
import type { CompiledRule, Priority } from "../rules/index.js";

export interface AuditAlert {
  time: string;
  rule: string;
  priority: Priority;
  tags: string[];
  output: string;
  source: "k8s_audit";
  auditID: string;
  user?: string;
  verb: string;
  target?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  event: AuditEvent;
}

export class AuditRuleEngine {
  readonly active: Array<CompiledRule<AuditEvent>>;
  private readonly ctx = { num: 0 };

  constructor(rules: ReadonlyArray<CompiledRule<AuditEvent>>) {
    this.active = rules.filter((r) => r.enabled && r.evaluable);
  }

  evaluate(e: AuditEvent): AuditAlert[] {
    this.ctx.num++;
    const out: AuditAlert[] = [];
    for (const r of this.active)
      if (r.match(e, this.ctx))
        out.push({
          time: e.stageTimestamp ?? e.requestReceivedTimestamp ?? new Date().toISOString(),
          rule: r.name,
          priority: r.priority,
          tags: r.tags,
          output: r.render(e, this.ctx).replace(/\s+/g, " ").trim(),
          source: "k8s_audit",
          auditID: e.auditID,
          ...(e.user.username !== undefined ? { user: e.user.username } : {}),
          verb: e.verb,
          ...(e.objectRef ? { target: pickTarget(e) } : {}),
          event: e,
        });
    return out;
  }
}

function pickTarget(e: AuditEvent): AuditAlert["target"] {
  const o = e.objectRef ?? {};
  return { resource: o.resource, subresource: o.subresource, namespace: o.namespace, name: o.name };
}

export function formatAuditAlert(a: AuditAlert, format: "json" | "text"): string {
  return format === "json" ? JSON.stringify(a) : `${a.time} ${a.priority} ${a.rule}: ${a.output}`;
}
