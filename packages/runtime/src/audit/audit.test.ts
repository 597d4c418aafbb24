/**
 * Kubernetes audit rules on the k8s_audit source. No API server runs here, so the audit
 * events are hand-written from the audit.k8s.io/v1 Event schema (testdata/audit.jsonl and
 * the builder below).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../events/audit.js";
import { defaultAuditRuleFiles, loadRuleFiles } from "../rules/index.js";
import { falcoRulesDir } from "../testkit/paths.js";
import { AuditRuleEngine } from "./engine.js";
import { parseAuditPayload } from "./parse.js";

const here = (p: string): string => resolve(import.meta.dirname, p);
export const fixtureEvents = (): AuditEvent[] =>
  readFileSync(here("testdata/audit.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);

let n = 0;
/** An audit event; `over` replaces or adds top-level fields. */
function ev(
  verb: string,
  resource: string,
  name: string | undefined,
  over: Partial<AuditEvent> & { ns?: string; sub?: string; code?: number; user?: string } = {},
): AuditEvent {
  const { ns = "payments", sub, code = 200, user = "alice", ...rest } = over;
  return {
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    auditID: `id-${++n}`,
    stage: "ResponseComplete",
    requestURI: `/api/v1/namespaces/${ns}/${resource}${name ? `/${name}` : ""}${sub ? `/${sub}` : ""}`,
    verb,
    user: { username: user, groups: ["system:authenticated"] },
    objectRef: { resource, namespace: ns, ...(name ? { name } : {}), ...(sub ? { subresource: sub } : {}) },
    responseStatus: { code },
    stageTimestamp: "2026-12-01T10:00:00Z",
    annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC" },
    ...rest,
  };
}

const pod = (spec: Record<string, unknown>, ns = "payments"): AuditEvent =>
  ev("create", "pods", undefined, {
    ns,
    requestObject: { kind: "Pod", spec },
    responseObject: { metadata: { name: "p1" } },
  });

/** At least one event per Falco k8s_audit rule that can fire with the file's defaults. */
function coverage(): AuditEvent[] {
  const evil = { name: "c", image: "evil.example/miner:1" };
  return [
    ev("create", "pods", "api", { sub: "exec", stage: "ResponseStarted", code: 101 }),
    ev("create", "pods", "api", { sub: "portforward", stage: "ResponseStarted" }),
    ev("patch", "pods", "api", {
      sub: "ephemeralcontainers",
      requestObject: { ephemeralContainers: [{ name: "dbg", image: "busybox" }] },
    }),
    pod({ containers: [{ ...evil, securityContext: { privileged: true } }] }),
    pod({ containers: [evil], volumes: [{ name: "s", hostPath: { path: "/var/run/docker.sock" } }] }),
    pod({ containers: [evil], hostNetwork: true, hostPID: true, hostIPC: true }),
    pod({ containers: [evil] }, "kube-system"),
    ev("create", "services", "web", { requestObject: { spec: { type: "NodePort", ports: [{ port: 80 }] } } }),
    ev("create", "configmaps", "cfg", {
      requestObject: { metadata: { name: "cfg" }, data: { password: "x" } },
    }),
    ev("get", "namespaces", undefined, { user: "system:anonymous", requestURI: "/api/v1/namespaces" }),
    ev("create", "namespaces", "evil", { ns: "" }),
    ev("delete", "namespaces", "evil", { ns: "" }),
    ev("create", "serviceaccounts", "sa1", { ns: "kube-system" }),
    ev("delete", "serviceaccounts", "sa1"),
    ev("update", "clusterroles", "system:aggregate-to-edit", { ns: "" }),
    ev("create", "clusterrolebindings", "b", {
      ns: "",
      requestObject: { roleRef: { name: "cluster-admin" }, subjects: [{ kind: "User", name: "mallory" }] },
    }),
    ev("create", "clusterroles", "r", {
      ns: "",
      requestObject: { rules: [{ apiGroups: [""], resources: ["*", "pods/exec"], verbs: ["*", "create"] }] },
    }),
    ev("create", "roles", "r2"),
    ev("delete", "roles", "r2"),
    ev("delete", "clusterroles", "r", { ns: "" }),
    ev("create", "rolebindings", "rb"),
    ev("delete", "rolebindings", "rb"),
    ev("delete", "clusterrolebindings", "b", { ns: "" }),
    ev("create", "deployments", "d"),
    ev("delete", "deployments", "d"),
    ev("delete", "services", "web"),
    ev("delete", "configmaps", "cfg"),
    ev("create", "secrets", "s"),
    ev("delete", "secrets", "s"),
    ev("get", "secrets", "s"),
    ev("get", "secrets", "s", { code: 403 }),
    ev("create", "ingresses", "ing", { requestObject: { spec: { rules: [] } } }),
  ];
}

/** Rules the file ships switched off by a macro (always_true/never_true), so they cannot fire. */
const OFF_BY_DEFAULT = new Set([
  "Create Disallowed Pod",
  "All K8s Audit Events",
  "Full K8s Administrative Access",
  "Untrusted Node Successfully Joined the Cluster",
  "Untrusted Node Unsuccessfully Tried to Join the Cluster",
]);

const falco = falcoRulesDir();
describe.skipIf(!falco)("Falco's k8s_audit_rules.yaml (skipped when shared/peers/falco is absent)", () => {
  const loaded = loadRuleFiles([resolve(falco ?? ".", "k8s_audit_rules.yaml")]);
  const engine = new AuditRuleEngine(loaded.audit);

  it("every rule loads and is evaluable, and every rule not switched off fires on its event", () => {
    expect(engine.active.length).toBe(loaded.audit.length);
    const fired = new Set(coverage().flatMap((e) => engine.evaluate(e).map((a) => a.rule)));
    const names = loaded.audit.map((r) => r.name);
    const silent = names.filter((r) => !fired.has(r));
    console.log(
      `k8s_audit_rules.yaml: ${loaded.audit.length}/${loaded.audit.length} rules evaluable, ${fired.size} fired on the coverage events; off by default: ${silent.join("; ")}`,
    );
    expect(silent.sort()).toEqual([...OFF_BY_DEFAULT].sort());
  });

  it("renders ka.* fields in outputs (exec command from the URI's command parameters)", () => {
    const [exec] = fixtureEvents();
    const a = engine.evaluate(exec!).find((x) => x.rule === "Attach/Exec Pod");
    expect(a?.output).toBe(
      "Attach/Exec to pod (user=alice pod=api-7f9 resource=pods ns=payments action=exec command=sh -c id; cat /etc/hostname)",
    );
  });

  it("a system user listing pods raises nothing", () => {
    expect(engine.evaluate(fixtureEvents()[7]!)).toEqual([]);
  });
});

describe("Bulwark's audit rules", () => {
  const loaded = loadRuleFiles(defaultAuditRuleFiles());
  const engine = new AuditRuleEngine(loaded.audit);

  it("load without warnings, each tagged with a MITRE ATT&CK technique id", () => {
    expect(loaded.warnings).toEqual([]);
    expect(engine.active).toHaveLength(5);
    for (const r of loaded.audit)
      expect(
        r.tags.some((t) => /^T\d{4}/.test(t)),
        r.name,
      ).toBe(true);
  });

  it("exec, secret read, cluster-admin binding, privileged pod and anonymous request each raise their alert", () => {
    const alerts = fixtureEvents().flatMap((e) => engine.evaluate(e));
    expect(alerts.map((a) => `${a.auditID} ${a.rule}`)).toEqual([
      "5b1e0f7a-0001 K8s Exec or Attach Into Pod",
      "5b1e0f7a-0002 K8s Secret Read By User",
      "5b1e0f7a-0003 K8s Binding To Cluster-Admin",
      "5b1e0f7a-0004 K8s Privileged Pod Created",
      "5b1e0f7a-0005 K8s Anonymous Request Allowed",
    ]);
    expect(alerts[0]!.output).toBe(
      "User alice ran kubectl exec into payments/api-7f9 (container=api command=sh -c id; cat /etc/hostname source=10.0.0.12 audit_id=5b1e0f7a-0001)",
    );
    expect(alerts[1]!.output).toContain("User alice read secret payments/db-password");
    expect(alerts[2]!.output).toContain("bound cluster-admin to mallory");
    expect(alerts[3]!.output).toContain("privileged pod payments/debug");
  });
});

describe("parseAuditPayload", () => {
  it("reads an EventList and rejects bad items by index", () => {
    const [a] = fixtureEvents();
    const r = parseAuditPayload(JSON.stringify({ kind: "EventList", items: [a, { kind: "Event" }, 7] }));
    expect(r).toEqual({
      ok: true,
      events: [a],
      rejected: ['items[1]: missing "auditID"', "items[2]: not a JSON object"],
    });
  });

  it("names not-JSON and non-object payloads", () => {
    expect(parseAuditPayload("{nope")).toEqual({ ok: false, reason: "not JSON" });
    expect(parseAuditPayload("[1]")).toEqual({ ok: false, reason: "not a JSON object" });
    expect(parseAuditPayload('{"kind":"EventList","items":3}')).toEqual({
      ok: false,
      reason: "EventList without an items list",
    });
  });

  it("never throws, and what it accepts evaluates without throwing (property)", () => {
    const engine = new AuditRuleEngine(loadRuleFiles(defaultAuditRuleFiles()).audit);
    const [base] = fixtureEvents();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map(
            (x) =>
              JSON.stringify({
                ...base,
                ...(typeof x === "object" && x !== null ? x : { requestObject: x }),
              }) ?? "",
          ),
        ),
        (text) => {
          const r = parseAuditPayload(text);
          if (r.ok) for (const e of r.events) engine.evaluate(e);
        },
      ),
      { numRuns: 500 },
    );
  });
});
