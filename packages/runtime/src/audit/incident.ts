/**
 * Who + what: joins a person's `kubectl exec` (an audit event) with the process tree it
 * started in the pod's container (sensor exec events), into one incident naming the
 * user, the pod and every process run.
 *
 * The join is by lineage, not by time alone: the session's root is the process in that
 * pod (and container, when the request names one) whose argv is the exec request's
 * `command` parameters, started at or after the request (less a clock-skew allowance);
 * the session is the root plus every process that has the root among its ancestors. The
 * container's own processes (its entrypoint, a sleep loop) never descend from the root,
 * so they never join, however close in time they run.
 */
import { uriParams, type AuditEvent } from "../events/audit.js";
import type { ExecEvent, RuntimeEvent } from "../events/types.js";

/** API server and node clocks differ; a root may appear to start this much before its request. */
export const CLOCK_SKEW_MS = 2_000;
/** A root must start within this long after the request (the runtime starts it at once). */
export const START_WINDOW_MS = 60_000;

export interface IncidentProcess {
  pid: number;
  ppid: number;
  exe: string;
  args: string[];
  time: string;
  uid: number;
}

export interface ExecIncident {
  kind: "exec" | "attach";
  auditID: string;
  time: string;
  user: string;
  groups: string[];
  sourceIPs: string[];
  pod: { namespace: string; name: string };
  /** The container named in the request (`container` parameter), when given. */
  container?: string;
  /** The command the user asked for (`command` parameters). */
  command: string[];
  /** The runtime container id the session ran in, once found. */
  containerId?: string;
  /** In the order they ran (the root first). Empty: the sensor saw no session. */
  processes: IncidentProcess[];
  summary: string;
}

interface ExecRequest {
  audit: AuditEvent;
  kind: "exec" | "attach";
  at: number;
  command: string[];
  container?: string;
}

/** exec/attach requests, one per auditID (the API server logs several stages of one request). */
export function execRequests(events: Iterable<AuditEvent>): ExecRequest[] {
  const byId = new Map<string, ExecRequest>();
  for (const a of events) {
    const sub = a.objectRef?.subresource;
    if (a.objectRef?.resource !== "pods" || (sub !== "exec" && sub !== "attach")) continue;
    if (!a.objectRef.namespace || !a.objectRef.name) continue;
    const at = Date.parse(a.requestReceivedTimestamp ?? a.stageTimestamp ?? "");
    if (Number.isNaN(at)) continue;
    const prev = byId.get(a.auditID);
    if (prev && prev.at <= at) continue;
    const q = uriParams(a.requestURI);
    const container = q.get("container") ?? undefined;
    byId.set(a.auditID, {
      audit: a,
      kind: sub,
      at,
      command: q.getAll("command"),
      ...(container ? { container } : {}),
    });
  }
  return [...byId.values()].sort((x, y) => x.at - y.at);
}

const argv = (e: ExecEvent): string[] => [e.process.exe, ...e.process.args];
const baseName = (s: string): string => s.slice(s.lastIndexOf("/") + 1);
const startOf = (e: RuntimeEvent): number => Date.parse(e.process.startTime ?? e.time);

/** argv equal, argv[0] compared by base name (kubectl sends `sh`, the kernel may see `/bin/sh`). */
function sameCommand(e: ExecEvent, command: string[]): boolean {
  const a = argv(e);
  if (command.length === 0 || a.length !== command.length) return false;
  if (
    baseName(a[0]!) !== baseName(command[0]!) &&
    baseName(e.process.exePath ?? "") !== baseName(command[0]!)
  )
    return false;
  return a.slice(1).every((x, i) => x === command[i + 1]);
}

function inPod(e: RuntimeEvent, r: ExecRequest): boolean {
  const k = e.k8s;
  if (!k || k.namespace !== r.audit.objectRef!.namespace || k.podName !== r.audit.objectRef!.name)
    return false;
  return r.container === undefined || k.containerName === undefined || k.containerName === r.container;
}

const hasAncestor = (e: RuntimeEvent, pid: number): boolean =>
  e.process.ppid === pid || e.process.ancestors.some((a) => a.pid === pid);

/** A shell exec()s its last command in place: same pid and start time, new program. */
const sameProcess = (e: RuntimeEvent, root: RuntimeEvent): boolean =>
  e.process.pid === root.process.pid &&
  (e.process.startTime === undefined || e.process.startTime === root.process.startTime);

/** Joins exec requests with sensor exec events; each root is claimed by one request only. */
export function joinExecIncidents(
  audit: Iterable<AuditEvent>,
  sensor: readonly RuntimeEvent[],
): ExecIncident[] {
  const execs = sensor
    .filter((e): e is ExecEvent => e.type === "exec" && e.container.id !== "host")
    // Start time, then event time: an in-place exec keeps its process's start time.
    .sort((a, b) => startOf(a) - startOf(b) || Date.parse(a.time) - Date.parse(b.time));
  const claimed = new Set<ExecEvent>();
  return execRequests(audit).map((r) => {
    const root = execs.find((e) => {
      if (claimed.has(e) || !inPod(e, r) || !sameCommand(e, r.command)) return false;
      const dt = startOf(e) - r.at;
      // The topmost match: a nested `sh` run by the session's `sh` is a child, not a root.
      return dt >= -CLOCK_SKEW_MS && dt <= START_WINDOW_MS;
    });
    if (root) claimed.add(root);
    const tree = root
      ? execs.filter(
          (e) =>
            e === root ||
            (e.container.id === root.container.id &&
              startOf(e) >= startOf(root) &&
              (hasAncestor(e, root.process.pid) || sameProcess(e, root))),
        )
      : [];
    // Listed in the order they ran (exec time), ties by pid, so delivery order never matters.
    tree.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.process.pid - b.process.pid);
    return toIncident(r, root, tree);
  });
}

function toIncident(r: ExecRequest, root: ExecEvent | undefined, tree: ExecEvent[]): ExecIncident {
  const a = r.audit;
  const processes = tree.map((e) => ({
    pid: e.process.pid,
    ppid: e.process.ppid,
    exe: e.process.exePath ?? e.process.exe,
    args: e.process.args,
    time: e.process.startTime ?? e.time,
    uid: e.process.uid,
  }));
  const user = a.user.username ?? "<unknown>";
  const pod = { namespace: a.objectRef!.namespace!, name: a.objectRef!.name! };
  const ran = processes.length
    ? `; the session ran ${processes.map((p) => [baseName(p.exe), ...p.args].join(" ")).join(" → ")}`
    : r.kind === "exec"
      ? "; the sensor saw no process of the session"
      : "";
  return {
    kind: r.kind,
    auditID: a.auditID,
    time: new Date(r.at).toISOString(),
    user,
    groups: a.user.groups ?? [],
    sourceIPs: a.sourceIPs ?? [],
    pod,
    ...(r.container ? { container: r.container } : {}),
    command: r.command,
    ...(root ? { containerId: root.container.id } : {}),
    processes,
    summary: `user ${user} ran kubectl ${r.kind}${r.command.length ? ` \`${r.command.join(" ")}\`` : ""} into ${pod.namespace}/${pod.name}${ran}`,
  };
}
