/**
 * The `ka.*` and `jevt.*` fields of Falco's k8s_audit source, read from an
 * audit.k8s.io/v1 Event, so Falco's k8s_audit_rules.yaml evaluates unchanged. Names and
 * meanings follow the k8saudit plugin's field list; values absent in the event are
 * undefined (a comparison with them is false, `exists` is false).
 */
import { uriParams, type AuditEvent } from "../../events/audit.js";
import { plain, type FieldDef, type FieldValue } from "./types.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);

/** The request object's pod spec (a Pod's spec, or a template's for workloads). */
function reqSpec(e: AuditEvent): Obj | undefined {
  const req = obj(e.requestObject);
  return obj(req?.spec);
}

type ContainerList = "containers" | "initContainers" | "ephemeralContainers";
const containers = (e: AuditEvent, list: ContainerList): Obj[] =>
  arr(reqSpec(e)?.[list]).map((c) => obj(c) ?? {});

/** An image reference without its tag or digest (Falco's image.repository). */
export function imageRepository(image: string): string {
  const name = image.split("@")[0]!;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
}

function containerFields(list: ContainerList): Array<FieldDef<AuditEvent>> {
  const p = `ka.req.pod.${list}`;
  const strings = (f: (c: Obj) => unknown) => (e: AuditEvent) =>
    e.requestObject === undefined ? undefined : containers(e, list).map((c) => String(f(c) ?? ""));
  return [
    plain(
      `${p}.image`,
      "strings",
      strings((c) => c.image),
    ),
    plain(
      `${p}.image.repository`,
      "strings",
      strings((c) => imageRepository(String(c.image ?? ""))),
    ),
    plain(
      `${p}.privileged`,
      "strings",
      strings((c) => obj(c.securityContext)?.privileged === true),
    ),
    plain(`${p}.host_port`, "strings", (e) =>
      e.requestObject === undefined
        ? undefined
        : containers(e, list).flatMap((c) => arr(c.ports).map((x) => String(obj(x)?.hostPort ?? ""))),
    ),
  ];
}

const annotation = (key: string) => (e: AuditEvent) => e.annotations?.[key];
const specFlag = (key: string) => (e: AuditEvent) => {
  const spec = reqSpec(e);
  return spec ? [String(spec[key] === true)] : undefined;
};

function roleRules(e: AuditEvent): Obj[] {
  return arr(obj(e.requestObject)?.rules).map((r) => obj(r) ?? {});
}
const ruleItems = (key: string) => (e: AuditEvent) =>
  e.requestObject === undefined ? undefined : roleRules(e).flatMap((r) => arr(r[key]).map(String));

/** RFC 6901 JSON pointer into the event (jevt.value[/requestObject/spec/tls]). */
export function jsonPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  let cur: unknown = doc;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) cur = /^\d+$/.test(key) ? cur[Number(key)] : undefined;
    else cur = obj(cur)?.[key];
    if (cur === undefined) return undefined;
  }
  return cur;
}

const time = (e: AuditEvent): string | undefined => e.stageTimestamp ?? e.requestReceivedTimestamp;

export const AUDIT_FIELDS: Array<FieldDef<AuditEvent>> = [
  plain("ka.auditid", "string", (e) => e.auditID),
  plain("ka.stage", "string", (e) => e.stage),
  plain("ka.auth.decision", "string", annotation("authorization.k8s.io/decision")),
  plain("ka.auth.reason", "string", annotation("authorization.k8s.io/reason")),
  plain("ka.user.name", "string", (e) => e.user.username),
  plain("ka.user.groups", "strings", (e) => e.user.groups),
  plain("ka.impuser.name", "string", (e) => e.impersonatedUser?.username),
  plain("ka.verb", "string", (e) => e.verb),
  plain("ka.uri", "string", (e) => e.requestURI),
  {
    name: "ka.uri.param",
    type: "string",
    arg: "text",
    // kubectl exec repeats `command` once per argv item; the rules' output shows them all.
    bind: (arg) => (e) => {
      const all = uriParams(e.requestURI).getAll(arg ?? "");
      return all.length === 0 ? undefined : all.join(" ");
    },
  },
  plain("ka.target.name", "string", (e) => e.objectRef?.name),
  plain("ka.target.namespace", "string", (e) => e.objectRef?.namespace),
  plain("ka.target.resource", "string", (e) => e.objectRef?.resource),
  plain("ka.target.subresource", "string", (e) => e.objectRef?.subresource),
  plain("ka.req.binding.subjects", "strings", (e) => {
    const req = obj(e.requestObject);
    return req ? arr(req.subjects).map((s) => String(obj(s)?.name ?? "")) : undefined;
  }),
  plain("ka.req.binding.role", "string", (e) => text(obj(obj(e.requestObject)?.roleRef)?.name)),
  plain("ka.req.configmap.name", "string", (e) => text(obj(obj(e.requestObject)?.metadata)?.name)),
  plain("ka.req.configmap.obj", "string", (e) => text(obj(e.requestObject)?.data)),
  ...containerFields("containers"),
  ...containerFields("initContainers"),
  ...containerFields("ephemeralContainers"),
  plain("ka.req.pod.host_ipc", "strings", specFlag("hostIPC")),
  plain("ka.req.pod.host_network", "strings", specFlag("hostNetwork")),
  plain("ka.req.pod.host_pid", "strings", specFlag("hostPID")),
  plain("ka.req.pod.volumes.hostpath", "strings", (e) => {
    const spec = reqSpec(e);
    if (!spec) return undefined;
    return arr(spec.volumes).flatMap((v) => {
      const path = obj(obj(v)?.hostPath)?.path;
      return typeof path === "string" ? [path] : [];
    });
  }),
  plain("ka.req.role.rules", "string", (e) => text(obj(e.requestObject)?.rules)),
  plain("ka.req.role.rules.verbs", "strings", ruleItems("verbs")),
  plain("ka.req.role.rules.resources", "strings", ruleItems("resources")),
  plain("ka.req.role.rules.apiGroups", "strings", ruleItems("apiGroups")),
  plain("ka.req.service.type", "string", (e) => text(obj(reqSpec(e))?.type)),
  plain("ka.req.service.ports", "string", (e) => text(reqSpec(e)?.ports)),
  plain("ka.resp.name", "string", (e) => text(obj(obj(e.responseObject)?.metadata)?.name)),
  plain("ka.response.code", "string", (e) => text(e.responseStatus?.code)),
  plain("ka.response.reason", "string", (e) => e.responseStatus?.reason),
  plain("ka.useragent", "string", (e) => e.userAgent),
  plain("ka.sourceips", "strings", (e) => e.sourceIPs),
  plain("jevt.time", "string", time),
  plain("jevt.rawtime", "number", (e) => {
    const t = time(e);
    const ms = t === undefined ? NaN : Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms * 1e6;
  }),
  plain("jevt.obj", "string", (e) => JSON.stringify(e)),
  {
    name: "jevt.value",
    type: "string",
    arg: "text",
    bind: (arg) => (e) => text(jsonPointer(e, arg ?? "")) as FieldValue,
  },
  plain("evt.source", "string", () => "k8s_audit"),
  plain("evt.time", "string", time),
];

const BY_NAME = new Map(AUDIT_FIELDS.map((f) => [f.name, f]));

export function lookupAuditField(name: string): FieldDef<AuditEvent> | undefined {
  return BY_NAME.get(name);
}
