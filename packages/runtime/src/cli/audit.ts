/**
 * `bulwark runtime audit serve|replay|incidents`: Kubernetes audit events through the
 * k8s_audit rules, and exec incidents joined with the sensor's process trees.
 */
import { createWriteStream } from "node:fs";
import type { Command } from "commander";
import { AuditRuleEngine, formatAuditAlert } from "../audit/engine.js";
import { joinExecIncidents, type ExecIncident } from "../audit/incident.js";
import { readAuditLog, type AuditLogStats } from "../audit/log.js";
import { startAuditReceiver } from "../audit/server.js";
import type { AuditEvent } from "../events/audit.js";
import type { RuntimeEvent } from "../events/types.js";
import { RuntimeError } from "../errors.js";
import { openInput, readEvents, type StreamStats } from "../inputs/index.js";
import { defaultAuditRuleFiles, loadRuleFiles } from "../rules/index.js";

interface RuleFlags {
  rules: string[];
  defaultRules?: boolean;
  format: string;
}

const repeatable = (v: string, prev: string[]): string[] => [...prev, v];

function format(flags: { format: string }): "json" | "text" {
  if (flags.format !== "json" && flags.format !== "text")
    throw new RuntimeError("USAGE", `--format: expected json or text, got "${flags.format}"`);
  return flags.format;
}

/** Bulwark's audit rules unless --rules is given (then those, plus the defaults with --default-rules). */
export function auditEngine(flags: RuleFlags): AuditRuleEngine {
  const files =
    flags.rules.length === 0 || flags.defaultRules
      ? [...flags.rules, ...defaultAuditRuleFiles()]
      : flags.rules;
  return new AuditRuleEngine(loadRuleFiles(files).audit);
}

function skippedText(s: Record<string, number>): string {
  const parts = Object.entries(s).map(([k, v]) => `${k}: ${v}`);
  return parts.length ? `; skipped: ${parts.join(", ")}` : "";
}

export async function replayAudit(
  path: string,
  flags: RuleFlags,
  out: (line: string) => void,
): Promise<AuditLogStats & { alerts: number }> {
  const fmt = format(flags);
  const engine = auditEngine(flags);
  const stats = { lines: 0, events: 0, skipped: {}, alerts: 0 };
  for await (const e of readAuditLog(openInput(path), stats))
    for (const a of engine.evaluate(e)) {
      stats.alerts++;
      out(formatAuditAlert(a, fmt));
    }
  return stats;
}

export async function auditIncidents(
  auditPath: string,
  eventsPath: string,
): Promise<{ incidents: ExecIncident[]; audit: AuditLogStats; sensor: StreamStats }> {
  const audit: AuditLogStats = { lines: 0, events: 0, skipped: {} };
  const sensor: StreamStats = { lines: 0, events: 0, skipped: {} };
  const auditEvents: AuditEvent[] = [];
  for await (const e of readAuditLog(openInput(auditPath), audit))
    if (e.objectRef?.resource === "pods" && e.objectRef.subresource) auditEvents.push(e);
  const execs: RuntimeEvent[] = [];
  for await (const e of readEvents(openInput(eventsPath), "auto", sensor))
    if (e.type === "exec") execs.push(e);
  return { incidents: joinExecIncidents(auditEvents, execs), audit, sensor };
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new RuntimeError("USAGE", `--listen: expected HOST:PORT, got "${text}"`);
  return { host: m[1] ?? m[2]!, port };
}

function registerServe(audit: Command): void {
  audit
    .command("serve")
    .description("Receive the API server's audit webhook (EventList POSTs) and evaluate k8s_audit rules")
    .option("--listen <host:port>", "address to listen on (plain HTTP only on loopback)", "127.0.0.1:8765")
    .option("--tls-cert <file>", "PEM certificate: serve HTTPS")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--rules <file>", "rule file (repeatable); default: Bulwark's audit rules", repeatable, [])
    .option("--default-rules", "also load Bulwark's audit rules when --rules is given")
    .option("--record <file>", "append every received event to this audit log (JSON lines)")
    .option("--format <format>", "alert format: json or text", "json")
    .action(
      async (flags: RuleFlags & { listen: string; tlsCert?: string; tlsKey?: string; record?: string }) => {
        const fmt = format(flags);
        if (!flags.tlsCert !== !flags.tlsKey)
          throw new RuntimeError("USAGE", "--tls-cert and --tls-key go together");
        const engine = auditEngine(flags);
        const record = flags.record ? createWriteStream(flags.record, { flags: "a" }) : undefined;
        const receiver = await startAuditReceiver({
          ...parseListen(flags.listen),
          ...(flags.tlsCert && flags.tlsKey
            ? { tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey } }
            : {}),
          onEvents(events) {
            for (const e of events) {
              record?.write(`${JSON.stringify(e)}\n`);
              for (const a of engine.evaluate(e)) process.stdout.write(`${formatAuditAlert(a, fmt)}\n`);
            }
          },
          onProblem: (m) => process.stderr.write(`${m}\n`),
        });
        process.stderr.write(`audit webhook listening on ${receiver.url}\n`);
        await new Promise<void>((done) => {
          const stop = (): void => void receiver.close().then(done);
          process.once("SIGTERM", stop);
          process.once("SIGINT", stop);
        });
        await new Promise<void>((done) => (record ? record.end(done) : done()));
      },
    );
}

export function registerAuditCommand(runtime: Command): void {
  const audit = runtime
    .command("audit")
    .description("Kubernetes audit events: rules, webhook receiver, exec incidents");
  registerServe(audit);
  audit
    .command("replay")
    .description(
      "Evaluate an audit log (JSON lines of audit.k8s.io/v1 Events; - for stdin) against k8s_audit rules",
    )
    .argument("<file>", "audit log file, or - for stdin")
    .option("--rules <file>", "rule file (repeatable); default: Bulwark's audit rules", repeatable, [])
    .option("--default-rules", "also load Bulwark's audit rules when --rules is given")
    .option("--format <format>", "alert format: json or text", "json")
    .action(async (path: string, flags: RuleFlags) => {
      const s = await replayAudit(path, flags, (l) => process.stdout.write(`${l}\n`));
      process.stderr.write(
        `replayed ${s.events} audit events from ${s.lines} lines, ${s.alerts} alerts${skippedText(s.skipped)}\n`,
      );
    });
  audit
    .command("incidents")
    .description("Join kubectl exec/attach from an audit log with the process trees the sensor recorded")
    .requiredOption("--audit <file>", "audit log (JSON lines)")
    .requiredOption("--events <file>", "sensor events (what `runtime watch --record` writes)")
    .option("--format <format>", "json or text", "text")
    .action(async (flags: { audit: string; events: string; format: string }) => {
      const fmt = format(flags);
      const r = await auditIncidents(flags.audit, flags.events);
      for (const i of r.incidents)
        process.stdout.write(`${fmt === "json" ? JSON.stringify(i) : `${i.time} ${i.summary}`}\n`);
      process.stderr.write(
        `${r.incidents.length} incidents from ${r.audit.events} audit events and ${r.sensor.events} sensor events${skippedText({ ...r.audit.skipped, ...r.sensor.skipped })}\n`,
      );
    });
}
