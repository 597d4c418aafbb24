/**
 * What the vault raises for its operators. `new-reader` is the issue's usage supervision
 * (an identity reading a secret it never read before); the others watch the vault itself:
 * a root token used (root tokens are for bootstrap and break-glass only), a burst of denied
 * requests from one identity or address (probing), and a request refused because the audit
 * log could not be written. `bulwark serve --vault` delivers them through the runtime's
 * alert outputs; `bulwark vault serve` writes them to stderr.
 */
import type { Caller, VaultRequest } from "./types.js";

/** The workload a token was issued to (auth/workload), so an alert can name its container. */
export interface AlertWorkload {
  containerId: string;
  imageDigest?: string;
  namespace?: string;
  role: string;
}

interface Base {
  identity: string;
  time: string;
  remote?: string;
  workload?: AlertWorkload;
}

export type VaultAlert = Base &
  (
    | { kind: "new-reader"; mount: string; path: string }
    | { kind: "root-token-use"; path: string; operation: string }
    | { kind: "denied-burst"; path: string; count: number; windowSeconds: number }
    | { kind: "audit-failure"; path: string; operation: string }
  );

export type VaultAlertKind = VaultAlert["kind"];

/** The workload of a token, from the metadata auth/workload/login gave it. */
export function workloadOf(meta: Record<string, string>): AlertWorkload | undefined {
  if (!meta["workload_role"] || !meta["container_id"]) return undefined;
  return {
    containerId: meta["container_id"],
    role: meta["workload_role"],
    ...(meta["image_digest"] ? { imageDigest: meta["image_digest"] } : {}),
    ...(meta["namespace"] ? { namespace: meta["namespace"] } : {}),
  };
}

export interface WatchOptions {
  /** Denied requests from one identity within `deniedWindowMs` that make a burst. */
  deniedBurst?: number;
  deniedWindowMs?: number;
}

/**
 * Watches finished requests. Denials are counted per identity (token accessor, or the
 * address when there is no valid token) in a sliding window; one alert per burst, then
 * quiet until the window has passed without reaching the threshold again.
 */
export class RequestWatch {
  private readonly denied = new Map<string, number[]>();
  private readonly burstAt: number;
  private readonly windowMs: number;

  constructor(
    private readonly alert: (a: VaultAlert) => void,
    o: WatchOptions = {},
  ) {
    this.burstAt = o.deniedBurst ?? 10;
    this.windowMs = o.deniedWindowMs ?? 60_000;
  }

  observe(
    req: VaultRequest,
    caller: Caller | undefined,
    status: number,
    auditFailed: boolean,
    now = Date.now(),
  ): void {
    const time = new Date(now).toISOString();
    const identity = caller
      ? `${caller.token.displayName}:${caller.token.accessor}`
      : `address:${req.remote}`;
    const workload = caller && workloadOf(caller.token.meta);
    const base = { identity, time, remote: req.remote, ...(workload ? { workload } : {}) };
    const operation = req.method.toLowerCase();
    if (auditFailed) this.alert({ ...base, kind: "audit-failure", path: req.path, operation });
    if (caller?.token.policies.includes("root"))
      this.alert({ ...base, kind: "root-token-use", path: req.path, operation });
    if (status === 403) this.countDenied(identity, base, req.path, now);
  }

  private countDenied(key: string, base: Base, path: string, now: number): void {
    const times = (this.denied.get(key) ?? []).filter((t) => now - t < this.windowMs);
    times.push(now);
    if (times.length === this.burstAt)
      this.alert({
        ...base,
        kind: "denied-burst",
        path,
        count: times.length,
        windowSeconds: this.windowMs / 1000,
      });
    this.denied.set(key, times.length > this.burstAt * 4 ? times.slice(-this.burstAt) : times);
    // forget quiet identities so a scan of random tokens cannot grow the map without bound
    if (this.denied.size > 10_000)
      for (const [k, v] of this.denied) if (now - v[v.length - 1]! >= this.windowMs) this.denied.delete(k);
  }
}

/** One line for humans (the alert's `output`); never contains a secret value. */
export function describeAlert(a: VaultAlert): string {
  const who = `${a.identity}${a.remote ? ` from ${a.remote}` : ""}`;
  switch (a.kind) {
    case "new-reader":
      return `vault: ${who} read ${a.mount}/${a.path} for the first time`;
    case "root-token-use":
      return `vault: root token used by ${who}: ${a.operation} ${a.path}`;
    case "denied-burst":
      return `vault: ${a.count} requests denied within ${a.windowSeconds}s for ${who} (last: ${a.path})`;
    case "audit-failure":
      return `vault: audit log could not be written; refused ${a.operation} ${a.path} by ${who}`;
  }
}
