/**
 * The alert record: one JSON line per alert with the rule, priority, tags, rendered
 * output, the event, process ancestry, container and Kubernetes context and the image
 * digest (which links the container to Bulwark's inventory of that image).
 */
import type { AncestorInfo, ContainerInfo, K8sInfo, RuntimeEvent } from "../events/index.js";
import type { Priority, RuleMatch } from "../rules/index.js";

export interface Alert {
  time: string;
  rule: string;
  priority: Priority;
  tags: string[];
  output: string;
  source: RuntimeEvent["source"];
  hostname?: string;
  container: ContainerInfo;
  k8s?: K8sInfo;
  imageDigest?: string;
  ancestry: AncestorInfo[];
  /** Alerts of the same rule and container dropped by dedup/rate limits since the last one sent. */
  suppressed?: number;
  event: RuntimeEvent;
}

export function toAlert(m: RuleMatch): Alert {
  const e = m.event;
  return {
    time: e.time,
    rule: m.rule,
    priority: m.priority,
    tags: m.tags,
    output: m.output,
    source: e.source,
    ...(e.hostname ? { hostname: e.hostname } : {}),
    container: e.container,
    ...(e.k8s ? { k8s: e.k8s } : {}),
    ...(e.container.imageDigest ? { imageDigest: e.container.imageDigest } : {}),
    ancestry: e.process.ancestors,
    event: e,
  };
}

export type AlertFormat = "json" | "text";

export function formatAlert(a: Alert, format: AlertFormat): string {
  return format === "json" ? JSON.stringify(a) : formatText(a);
}

/** One line for humans: time, priority, rule, output, then where it happened. */
export function formatText(a: Alert): string {
  const c = a.container;
  const where =
    c.id === "host"
      ? "host"
      : `container=${c.id}${c.name && c.name !== c.id ? ` name=${c.name}` : ""}${c.image ? ` image=${c.image}` : ""}`;
  const k8s = a.k8s ? ` pod=${a.k8s.namespace}/${a.k8s.podName}` : "";
  const more = a.suppressed ? ` (+${a.suppressed} suppressed)` : "";
  return `${a.time} ${a.priority} ${a.rule}: ${oneLine(a.output)} [${where}${k8s}]${more}`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}

/** RFC 5424 severity of a Falco priority. */
export function syslogSeverity(p: Priority): number {
  const order = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG"];
  const i = order.indexOf(p);
  return i < 0 ? 5 : i;
}
