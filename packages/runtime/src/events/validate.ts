/**
 * Checks that an untrusted JSON value (a replayed line, a sensor line) is a RuntimeEvent.
 * It returns a one-line reason instead of throwing so stream readers can count and skip.
 */
import {
  RUNTIME_EVENT_SCHEMA,
  RUNTIME_EVENT_TYPES,
  type RuntimeEvent,
  type RuntimeEventType,
} from "./types.js";

export type EventCheck = { ok: true; event: RuntimeEvent } | { ok: false; reason: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/** Required fields per event type beyond the common ones: [field, predicate, what]. */
type Need = [string, (v: unknown) => boolean, string];
const STR: Need[1] = isStr;
const INT: Need[1] = isInt;
const NEEDS: Record<RuntimeEventType, Need[]> = {
  exec: [],
  exit: [],
  open: [
    ["path", STR, "a string"],
    ["access", (v) => v === "read" || v === "write" || v === "readwrite", "read|write|readwrite"],
    ["flags", isStrArray, "a string array"],
  ],
  unlink: [["path", STR, "a string"]],
  rename: [
    ["oldPath", STR, "a string"],
    ["newPath", STR, "a string"],
  ],
  chmod: [
    ["path", STR, "a string"],
    ["mode", INT, "an integer"],
  ],
  chown: [
    ["path", STR, "a string"],
    ["uid", INT, "an integer"],
    ["gid", INT, "an integer"],
  ],
  connect: netNeeds(),
  accept: netNeeds(),
  listen: netNeeds(),
  dns: [["query", STR, "a string"]],
  dup: [
    ["oldFd", INT, "an integer"],
    ["newFd", INT, "an integer"],
    ["fdKind", STR, "a string"],
  ],
  setuid: [],
  setgid: [],
  capset: [],
  ptrace: [
    ["request", STR, "a string"],
    ["targetPid", INT, "an integer"],
  ],
  mount: [["target", STR, "a string"]],
  umount: [["target", STR, "a string"]],
  unshare: [["namespaces", isStrArray, "a string array"]],
  setns: [["namespaces", isStrArray, "a string array"]],
  module_load: [],
  bpf: [["command", STR, "a string"]],
  memfd_create: [["name", STR, "a string"]],
  secret_access: [
    ["path", STR, "a string"],
    ["operation", STR, "a string"],
    ["identity", STR, "a string"],
  ],
};

function netNeeds(): Need[] {
  return [
    ["family", (v) => v === "ipv4" || v === "ipv6" || v === "unix", "ipv4|ipv6|unix"],
    ["protocol", STR, "a string"],
  ];
}

const TYPES = new Set<string>(RUNTIME_EVENT_TYPES);

function checkProcess(p: unknown): string | undefined {
  if (!isObj(p)) return "process: missing";
  for (const k of ["pid", "ppid", "uid", "gid"]) if (!isInt(p[k])) return `process.${k}: not an integer`;
  for (const k of ["name", "exe"]) if (!isStr(p[k])) return `process.${k}: not a string`;
  if (!isStrArray(p.args)) return "process.args: not a string array";
  if (!Array.isArray(p.ancestors)) return "process.ancestors: not an array";
  for (const a of p.ancestors)
    if (!isObj(a) || !isInt(a.pid) || !isStr(a.name)) return "process.ancestors: entry needs pid and name";
  return undefined;
}

export function checkRuntimeEvent(v: unknown): EventCheck {
  if (!isObj(v)) return { ok: false, reason: "not a JSON object" };
  if (v.schema !== RUNTIME_EVENT_SCHEMA)
    return { ok: false, reason: `schema: expected ${RUNTIME_EVENT_SCHEMA}, got ${JSON.stringify(v.schema)}` };
  if (!isStr(v.type) || !TYPES.has(v.type))
    return { ok: false, reason: `type: unknown ${JSON.stringify(v.type)}` };
  if (!isStr(v.time) || Number.isNaN(Date.parse(v.time)))
    return { ok: false, reason: "time: not an RFC 3339 time" };
  if (!isStr(v.source)) return { ok: false, reason: "source: not a string" };
  const bad = checkProcess(v.process);
  if (bad) return { ok: false, reason: bad };
  if (!isObj(v.container) || !isStr(v.container.id)) return { ok: false, reason: "container.id: missing" };
  if (v.k8s !== undefined && (!isObj(v.k8s) || !isStr(v.k8s.podName) || !isStr(v.k8s.namespace)))
    return { ok: false, reason: "k8s: needs podName and namespace" };
  for (const [field, ok, what] of NEEDS[v.type as RuntimeEventType])
    if (!ok(v[field])) return { ok: false, reason: `${field}: not ${what}` };
  return { ok: true, event: v as unknown as RuntimeEvent };
}
