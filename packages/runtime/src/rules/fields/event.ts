/** evt.* fields, including evt.arg.<name> mapped per event type. */
import type { RuntimeEvent, RuntimeEventType } from "../../events/types.js";
import { modeSymbols, resultName } from "./symbols.js";
import { plain, type FieldDef, type FieldValue } from "./types.js";

/** Falco's evt.type for each event type when the source did not name the syscall. */
export const DEFAULT_SYSCALL: Record<RuntimeEventType, string> = {
  exec: "execve",
  exit: "procexit",
  open: "openat",
  unlink: "unlinkat",
  rename: "renameat2",
  chmod: "fchmodat",
  chown: "fchownat",
  connect: "connect",
  accept: "accept4",
  listen: "listen",
  dns: "dns",
  dup: "dup2",
  setuid: "setuid",
  setgid: "setgid",
  capset: "capset",
  ptrace: "ptrace",
  mount: "mount",
  umount: "umount2",
  unshare: "unshare",
  setns: "setns",
  module_load: "finit_module",
  bpf: "bpf",
  memfd_create: "memfd_create",
  secret_access: "secret_access",
};

export const eventTypeOf = (e: RuntimeEvent): string => e.syscall ?? DEFAULT_SYSCALL[e.type];

let lastEvent: RuntimeEvent | undefined;
let lastArgs: Record<string, string | number | undefined> = {};

/** The syscall arguments of an event, by Falco's argument names (computed once per event). */
export function eventArgs(e: RuntimeEvent): Record<string, string | number | undefined> {
  if (e !== lastEvent) {
    lastEvent = e;
    lastArgs = computeArgs(e);
  }
  return lastArgs;
}

function computeArgs(e: RuntimeEvent): Record<string, string | number | undefined> {
  switch (e.type) {
    case "exec": {
      const flags = [
        e.process.exeUpperLayer && "EXE_UPPER_LAYER",
        e.process.exeFromMemfd && "EXE_FROM_MEMFD",
      ];
      return { filename: e.process.exePath ?? e.process.exe, flags: flags.filter(Boolean).join("|") };
    }
    case "open":
      return { name: e.path, path: e.path, flags: e.flags.join("|"), mode: e.mode, fd: e.fd ?? e.result };
    case "unlink":
      return { name: e.path, path: e.path };
    case "rename":
      return { oldpath: e.oldPath, newpath: e.newPath };
    case "chmod":
      return { filename: e.path, path: e.path, mode: modeSymbols(e.mode) };
    case "chown":
      return { path: e.path, uid: e.uid, gid: e.gid };
    case "connect":
    case "accept":
    case "listen":
      return {
        fd: e.fd,
        domain: e.family === "unix" ? "AF_UNIX" : e.family === "ipv6" ? "AF_INET6" : "AF_INET",
      };
    case "dup":
      return { fd: e.oldFd, oldfd: e.oldFd, newfd: e.newFd };
    case "setuid":
      return { uid: e.targetId };
    case "setgid":
      return { gid: e.targetId };
    case "ptrace":
      return { request: e.request, pid: e.targetPid };
    case "mount":
    case "umount":
      return {
        dev: e.device,
        dir: e.target,
        name: e.target,
        target: e.target,
        type: e.fsType,
        flags: e.flags?.join("|"),
      };
    case "unshare":
    case "setns":
      return { flags: e.namespaces.join("|"), nstype: e.namespaces.join("|") };
    case "module_load":
      return { name: e.name, path: e.path };
    case "bpf":
      return { cmd: e.command };
    case "memfd_create":
      return { name: e.name, flags: e.flags?.join("|") };
    case "secret_access":
      return { name: e.path, path: e.path, operation: e.operation, identity: e.identity };
    default:
      return {};
  }
}

const argText = (v: string | number | undefined): FieldValue => (v === undefined ? undefined : String(v));

export const EVENT_FIELDS: FieldDef[] = [
  plain("evt.type", "string", eventTypeOf),
  // Bulwark's sensors report completed syscalls only: every event is an exit event.
  plain("evt.dir", "string", () => "<"),
  plain("evt.num", "number", (_e, ctx) => ctx.num),
  plain("evt.time", "string", (e) => e.time),
  plain("evt.rawtime", "number", (e) => Date.parse(e.time) * 1e6),
  plain("evt.hostname", "string", (e) => e.hostname),
  plain("evt.source", "string", () => "syscall"),
  plain("evt.res", "string", (e) => resultName(e.result)),
  plain("evt.rawres", "number", (e) => e.result ?? (e.type === "dup" ? e.newFd : 0)),
  plain("evt.failed", "bool", (e) => (e.result ?? 0) < 0),
  plain("evt.is_open_read", "bool", (e) => e.type === "open" && e.access !== "write"),
  plain("evt.is_open_write", "bool", (e) => e.type === "open" && e.access !== "read"),
  plain("evt.is_open_exec", "bool", (e) => e.type === "open" && e.flags.includes("O_EXEC")),
  plain("evt.args", "string", (e) =>
    Object.entries(eventArgs(e))
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" "),
  ),
  { name: "evt.arg", type: "string", arg: "text", bind: (arg) => (e) => argText(eventArgs(e)[arg ?? ""]) },
];

/** evt.arg.<name> is evt.arg[<name>] spelled with a dot. */
export function dottedArgField(name: string): FieldDef | undefined {
  if (!name.startsWith("evt.arg.")) return undefined;
  const key = name.slice("evt.arg.".length);
  return plain(name, "string", (e) => argText(eventArgs(e)[key]));
}
