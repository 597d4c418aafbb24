/**
 * The vault core: seal state, mounts, policies, tokens and the request pipeline
 * (route → audit → authenticate → authorise → handle → audit). Transport-neutral; the
 * HTTP layer maps requests onto `handle`.
 */
import { randomUUID } from "node:crypto";
import { AppRoles } from "./auth/approle.js";
import { TokenStore, type TokenEntry } from "./auth/tokens.js";
import type { AuditLog, AuditEntry } from "./audit/log.js";
import { VaultError, invalid, permissionDenied } from "./errors.js";
import { KvEngine, fingerprintOfHash } from "./kv/engine.js";
import type { LeakMatch } from "./leaks/scan.js";
import { rewrapAll, type RewrapResult } from "./kv/rewrap.js";
import { describeMounts, disableMount, enableMount, listMounts, type MountEntry } from "./mounts.js";
import { Acl } from "./policy/acl.js";
import { parsePolicy, type Policy } from "./policy/policy.js";
import { approleRoute, tokenRoute } from "./routes/auth.js";
import { kvRoute } from "./routes/kv.js";
import { sysRoute } from "./routes/sys.js";
import { databaseRoute, leaseRoute } from "./routes/database.js";
import { DatabaseEngine } from "./database/engine.js";
import { SealManager, type SealStatus } from "./seal/seal.js";
import type { Store } from "./store.js";
import type { Caller, Route, VaultRequest, VaultResponse } from "./types.js";
import { UsageTracker } from "./usage.js";
import { RequestWatch, type VaultAlert, type WatchOptions } from "./alerts.js";
import { unwrap, wrapResponse } from "./wrapping.js";
import { WorkloadAuth } from "./workload/engine.js";
import { workloadRoute } from "./workload/routes.js";

/** Vault's built-in default policy: a token may look up, renew and revoke itself. */
export const DEFAULT_POLICY = `path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
`;

export interface CoreOptions {
  onAlert?: (a: VaultAlert) => void;
  /** Thresholds of the denied-burst alert. */
  watch?: WatchOptions;
}

export type { VaultAlert };

/** Who read a secret, for usage supervision: the AppRole, the workload (role and image) or the token. */
function identityOf(token: TokenEntry): string {
  const m = token.meta;
  if (m["role_name"]) return `approle:${m["role_name"]}`;
  if (m["workload_role"]) return `workload:${m["workload_role"]}@${m["image_digest"] ?? ""}`;
  return `token:${token.accessor}`;
}

export class VaultCore {
  readonly seal: SealManager;
  readonly tokens: TokenStore;
  readonly approles: AppRoles;
  readonly kv: KvEngine;
  readonly db: DatabaseEngine;
  readonly workloads: WorkloadAuth;
  private readonly usage: UsageTracker;
  private readonly watch: RequestWatch;
  private readonly parsedPolicies = new Map<string, Policy>();
  private mountCache: { at: number; secret: MountEntry[]; auth: MountEntry[] } | undefined;

  constructor(
    readonly store: Store,
    readonly audit: AuditLog,
    private readonly opts: CoreOptions = {},
  ) {
    this.seal = new SealManager(store);
    this.tokens = new TokenStore(store);
    this.approles = new AppRoles(store);
    this.kv = new KvEngine(store, () => this.seal.keys());
    this.db = new DatabaseEngine(store, () => this.seal.keys());
    this.workloads = new WorkloadAuth(store);
    this.usage = new UsageTracker(store, (a) => this.opts.onAlert?.(a));
    this.watch = new RequestWatch((a) => this.opts.onAlert?.(a), opts.watch);
  }

  sealStatus(): Promise<SealStatus> {
    return this.seal.status(this.store.dialect === "sqlite" ? "bulwark-sqlite" : "bulwark-postgresql");
  }

  async initialize(shares: number, threshold: number): Promise<Record<string, unknown>> {
    const { keys, rootKey } = await this.seal.initialize(shares, threshold);
    // the root token is created while briefly unsealed, then the vault is sealed again
    await this.seal.unsealWithRootKey(rootKey);
    rootKey.fill(0);
    try {
      await this.putPolicy("default", DEFAULT_POLICY);
      const { token } = await this.tokens.create({
        policies: ["root"],
        ttl: 0,
        displayName: "root",
        path: "auth/token/root",
      });
      return {
        keys: keys.map((k) => k.toString("hex")),
        keys_base64: keys.map((k) => k.toString("base64")),
        root_token: token,
      };
    } finally {
      this.seal.seal();
    }
  }

  async submitUnsealKey(key: unknown, reset: boolean): Promise<void> {
    if (await this.seal.submit(key, reset)) this.audit.setHmacKey(this.seal.keys().auditKey);
  }

  sealNow(): void {
    this.seal.seal();
    this.audit.setHmacKey(undefined);
  }

  async rotateKek(): Promise<{ version: number } & RewrapResult> {
    const version = await this.seal.addKek();
    return { version, ...(await rewrapAll(this.store, () => this.seal.keys())) };
  }

  keyStatus(): Record<string, unknown> {
    const k = this.seal.keys();
    return { term: k.active, install_time: new Date().toISOString(), encryptions: -1 };
  }

  async policyNames(): Promise<string[]> {
    const rows = await this.store.query<{ name: string }>("SELECT name FROM vault_policies ORDER BY name");
    return rows.map((r) => r.name);
  }

  async policyText(name: string): Promise<string | undefined> {
    const rows = await this.store.query<{ raw: string }>("SELECT raw FROM vault_policies WHERE name = $1", [
      name,
    ]);
    return rows[0]?.raw;
  }

  async putPolicy(name: string, raw: string): Promise<void> {
    await this.store.exec(
      "INSERT INTO vault_policies (name, raw, updated) VALUES ($1,$2,$3) ON CONFLICT (name) DO UPDATE SET raw = excluded.raw, updated = excluded.updated",
      [name, raw, Date.now()],
    );
  }

  async deletePolicy(name: string): Promise<void> {
    await this.store.exec("DELETE FROM vault_policies WHERE name = $1", [name]);
  }

  async aclFor(token: TokenEntry): Promise<Acl> {
    if (token.policies.includes("root")) return new Acl([], true);
    const policies: Policy[] = [];
    for (const name of token.policies) {
      const raw = await this.policyText(name);
      if (raw === undefined) continue;
      const key = `${name}\u0000${raw}`;
      let parsed = this.parsedPolicies.get(key);
      if (!parsed) {
        if (this.parsedPolicies.size > 1000) this.parsedPolicies.clear();
        parsed = parsePolicy(name, raw);
        this.parsedPolicies.set(key, parsed);
      }
      policies.push(parsed);
    }
    return new Acl(policies);
  }

  async mountTable(kind: "secret" | "auth"): Promise<Record<string, unknown>> {
    return describeMounts(await listMounts(this.store, kind), kind);
  }
  enableMount(kind: "secret" | "auth", path: string, body: Record<string, unknown>): Promise<void> {
    this.mountCache = undefined;
    return enableMount(this.store, kind, path, body);
  }
  disableMount(kind: "secret" | "auth", path: string): Promise<void> {
    this.mountCache = undefined;
    return disableMount(this.store, kind, path);
  }

  /**
   * The mount tables, cached for at most two seconds: changes made through this server apply
   * at once; with several servers on one PostgreSQL database, others see them within 2 s.
   */
  private async mounts(kind: "secret" | "auth"): Promise<MountEntry[]> {
    const now = Date.now();
    if (!this.mountCache || now - this.mountCache.at > 2000)
      this.mountCache = {
        at: now,
        secret: await listMounts(this.store, "secret"),
        auth: await listMounts(this.store, "auth"),
      };
    return this.mountCache[kind];
  }

  leaseRoute(req: VaultRequest, rest: string): Route | undefined {
    return leaseRoute(this, req, rest);
  }

  /** Revokes expired leases every second while unsealed (started by `openVault`). */
  startLeaseSweeper(intervalMs = 1000): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running || !this.seal.unsealed) return;
      running = true;
      this.db
        .sweep()
        .catch((e: unknown) => process.stderr.write(`vault: lease sweep: ${String(e)}\n`))
        .finally(() => (running = false));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Which managed values have these SHA-256 hashes (from a scan); matched by keyed fingerprint. */
  async matchLeakHashes(hashes: unknown): Promise<LeakMatch[]> {
    if (
      !Array.isArray(hashes) ||
      !hashes.every((h): h is string => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))
    )
      throw invalid("'hashes' must be a list of SHA-256 hex strings");
    if (hashes.length > 100_000) throw invalid("at most 100000 hashes per request");
    const key = this.seal.keys().fingerprintKey;
    const out: LeakMatch[] = [];
    for (const hash of new Set(hashes))
      for (const m of await this.kv.findByFingerprint(fingerprintOfHash(key, hash)))
        out.push({ hash, ...m, version: Number(m.version) });
    return out;
  }

  unwrap(token: unknown): Promise<VaultResponse> {
    return unwrap(this.store, this.seal.keys(), token);
  }

  /** Usage supervision (see usage.ts). */
  recordRead(mount: string, path: string, caller: Caller | undefined): Promise<void> {
    if (!caller) return Promise.resolve();
    return this.usage.record(mount, path, identityOf(caller.token));
  }

  flushUsage(): Promise<void> {
    return this.usage.flush();
  }

  private async resolve(req: VaultRequest): Promise<Route | undefined> {
    const [head, ...tail] = req.path.split("/");
    const rest = tail.join("/");
    if (head === "sys") return sysRoute(this, req, rest);
    if (!this.seal.unsealed) throw new VaultError("VAULT_SEALED", "Vault is sealed");
    if (head === "auth") {
      const [mount, ...r] = tail;
      if (mount === "token") return tokenRoute(this, req, r.join("/"));
      const m = (await this.mounts("auth")).find((x) => x.path === mount);
      if (m?.type === "workload") return workloadRoute(this, req, m.path, r.join("/"));
      return m ? approleRoute(this, req, m.path, r.join("/")) : undefined;
    }
    const m = (await this.mounts("secret")).find((x) => x.path === head);
    if (m?.type === "database") return databaseRoute(this, req, m.path, rest);
    if (m) {
      const cfg = { maxVersions: m.config.max_versions, casRequired: m.config.cas_required };
      return kvRoute(this, req, m.path, cfg, rest);
    }
    return undefined;
  }

  private async authorise(route: Route, req: VaultRequest): Promise<Caller | undefined> {
    if (route.access === "public") return undefined;
    if (!this.seal.unsealed) throw new VaultError("VAULT_SEALED", "Vault is sealed");
    const token = await this.tokens.authenticate(req.token);
    const caller = { token, tokenId: req.token! };
    if (route.access === "self") return caller;
    const acl = await this.aclFor(token);
    let cap = route.access;
    if (cap === "write") cap = route.exists && !(await route.exists()) ? "create" : "update";
    if (!acl.allows(route.aclPath, cap)) throw permissionDenied();
    return caller;
  }

  private auditEntry(
    type: AuditEntry["type"],
    id: string,
    req: VaultRequest,
    caller?: Caller,
    status?: number,
    error?: string,
  ): AuditEntry {
    return {
      time: new Date().toISOString(),
      type,
      auth: caller && {
        accessor: this.audit.hmac(caller.token.accessor),
        display_name: caller.token.displayName,
        policies: caller.token.policies,
      },
      request: {
        id,
        operation: req.method.toLowerCase(),
        path: req.path,
        remote_address: req.remote,
        data: this.audit.hmacData(req.body),
      },
      response: status === undefined ? undefined : { status, error },
    };
  }

  /** Runs one request; every failure becomes a Vault-style `{"errors": [...]}` response. */
  async handle(req: VaultRequest): Promise<VaultResponse> {
    const id = randomUUID();
    let caller: Caller | undefined;
    try {
      this.audit.append(this.auditEntry("request", id, req));
      const route = await this.resolve(req);
      if (!route)
        throw new VaultError("VAULT_NOT_FOUND", `no handler for route "${req.path}". route entry not found.`);
      caller = await this.authorise(route, req);
      let res = await route.handle(caller);
      if (req.wrapTtl !== undefined && res.status === 200 && route.access !== "public")
        res = await wrapResponse(this.store, this.seal.keys(), res, req.wrapTtl, req.path);
      this.audit.append(this.auditEntry("response", id, req, caller, res.status));
      this.watch.observe(req, caller, res.status, false);
      return res;
    } catch (e) {
      const err = e instanceof VaultError ? e : undefined;
      const status = err?.status ?? 500;
      const message = err?.message ?? "internal error";
      if (!err)
        process.stderr.write(
          `vault: internal error on ${req.method} ${req.path}: ${(e as Error)?.stack ?? String(e)}\n`,
        );
      if (err?.code !== "VAULT_AUDIT_FAILED") {
        try {
          this.audit.append(this.auditEntry("response", id, req, caller, status, message));
        } catch {
          this.watch.observe(req, caller, 500, true);
          return { status: 500, body: { errors: ["audit log write failed; request refused"] } };
        }
      }
      this.watch.observe(req, caller, status, err?.code === "VAULT_AUDIT_FAILED");
      return { status, body: { errors: [message] } };
    }
  }
}
