/**
 * Vault alerts into the runtime's event model and alert outputs: each becomes a
 * `secret_access` event (source "vault") and a rule match, goes through the runtime's
 * AlertSink (dedup, rate limits) to the outputs `--vault-alert-output` names (stdout, file,
 * webhook, slack, syslog — the same specs as `runtime watch --output`), and is stored in the
 * server's alerts table beside the agents' alerts, where the API lists it.
 */
import { describeAlert, type VaultAlert } from "@bulwark/vault";
import {
  AlertSink,
  HOST_CONTAINER_ID,
  parseOutputSpec,
  type Alert,
  type AlertFormat,
  type AlertOutput,
  type Priority,
  type RuleMatch,
  type SecretAccessEvent,
} from "@bulwark/runtime";
import type { Store } from "@bulwark/store";
import { ingestAlerts } from "../repo/runtime.js";

const RULES: Record<VaultAlert["kind"], { rule: string; priority: Priority }> = {
  "new-reader": { rule: "Vault: secret read by a new identity", priority: "NOTICE" },
  "root-token-use": { rule: "Vault: root token used", priority: "WARNING" },
  "denied-burst": { rule: "Vault: burst of denied requests", priority: "WARNING" },
  "audit-failure": { rule: "Vault: audit log write failed", priority: "CRITICAL" },
};

function pathOf(a: VaultAlert): string {
  return a.kind === "new-reader" ? `${a.mount}/data/${a.path}` : a.path;
}

/** The flagged request as a runtime event: the vault server's process, the workload's container. */
export function vaultEvent(a: VaultAlert): SecretAccessEvent {
  const w = a.workload;
  return {
    schema: 1,
    type: "secret_access",
    time: a.time,
    source: "vault",
    process: {
      pid: process.pid,
      ppid: process.ppid,
      name: "bulwark",
      exe: process.execPath,
      // not argv: `--database postgres://user:password@…` must not travel with every alert
      args: ["serve", "--vault"],
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      ancestors: [],
    },
    container: w
      ? { id: w.containerId, ...(w.imageDigest ? { imageDigest: w.imageDigest } : {}) }
      : { id: HOST_CONTAINER_ID },
    path: pathOf(a),
    operation: a.kind === "root-token-use" || a.kind === "audit-failure" ? a.operation : "read",
    identity: a.identity,
    ...(a.remote ? { remote: a.remote } : {}),
  };
}

export function vaultMatch(a: VaultAlert): RuleMatch {
  const r = RULES[a.kind];
  return { ...r, tags: ["vault", a.kind], output: describeAlert(a), event: vaultEvent(a) };
}

/** Stores each alert the sink lets through in the server's alerts table (the API's /api/v1/alerts). */
class StoreOutput implements AlertOutput {
  readonly name = "store";
  errors = 0;
  private pending = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void,
  ) {}

  send(alert: Alert): void {
    const e = alert.event as SecretAccessEvent;
    this.pending = this.pending
      .then(() =>
        ingestAlerts(this.store, [
          {
            ...(alert.container.id !== HOST_CONTAINER_ID
              ? { asset: alert.container.imageDigest ?? alert.container.id }
              : {}),
            rule: alert.rule,
            severity: alert.priority,
            message: alert.output,
            at: alert.time,
            data: {
              source: "vault",
              path: e.path,
              identity: e.identity,
              container: alert.container.id,
              tags: alert.tags,
            },
          },
        ]),
      )
      .then(
        () => undefined,
        (err: unknown) => {
          this.errors++;
          this.log(`vault alert not stored: ${String(err)}`);
        },
      );
  }

  close(): Promise<void> {
    return this.pending;
  }
}

export function vaultAlertSink(
  store: Store,
  specs: readonly string[],
  format: AlertFormat,
  log: (line: string) => void,
): AlertSink {
  return new AlertSink([new StoreOutput(store, log), ...specs.map((s) => parseOutputSpec(s, format))]);
}
