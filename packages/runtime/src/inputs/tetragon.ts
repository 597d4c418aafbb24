/**
 * Maps Tetragon's JSON export (one object per line: process_exec, process_exit,
 * process_kprobe, process_tracepoint, each with process, parent and time) onto
 * RuntimeEvents. kprobe events are recognised by the hooked function and their typed
 * arguments (file_arg, sock_arg, int_arg, string_arg) as in Tetragon's documented
 * tracing policies.
 */
import {
  HOST_CONTAINER_ID,
  RUNTIME_EVENT_SCHEMA,
  type EventBase,
  type RuntimeEvent,
  type SocketFamily,
} from "../events/types.js";
import {
  basename,
  checked,
  isObj,
  num,
  splitImage,
  str,
  typeOfSyscall,
  type Mapped,
  type Obj,
} from "./common.js";

const UNKNOWN = -1;
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

function splitArgs(a: string | undefined): string[] {
  return a
    ? (a.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((x) => (x.startsWith('"') ? x.slice(1, -1) : x))
    : [];
}

function base(rec: Obj, body: Obj, syscall: string | undefined): EventBase {
  const p = obj(body.process);
  const parent = isObj(body.parent) ? body.parent : undefined;
  const binary = str(p.binary) ?? "";
  const pod = isObj(p.pod) ? p.pod : undefined;
  const c = obj(pod?.container);
  const image = obj(c.image);
  const imageRef = str(image.name);
  const idParts = splitImage(str(image.id));
  const creds = obj(p.process_credentials);
  const ancestors = [parent, ...(Array.isArray(body.ancestors) ? body.ancestors : [])]
    .filter(isObj)
    .map((a) => ({
      pid: num(a.pid) ?? UNKNOWN,
      name: basename(str(a.binary) ?? ""),
      exe: str(a.binary),
      args: splitArgs(str(a.arguments)),
    }));
  const e: EventBase = {
    schema: RUNTIME_EVENT_SCHEMA,
    time: str(rec.time) ?? str(p.start_time) ?? new Date(0).toISOString(),
    source: "tetragon",
    syscall,
    hostname: str(rec.node_name),
    process: {
      pid: num(p.pid) ?? UNKNOWN,
      tid: num(p.tid),
      ppid: num(parent?.pid) ?? UNKNOWN,
      name: basename(binary),
      exe: binary,
      exePath: binary || undefined,
      args: splitArgs(str(p.arguments)),
      cwd: str(p.cwd),
      uid: num(p.uid) ?? num(creds.uid) ?? UNKNOWN,
      gid: num(creds.gid) ?? UNKNOWN,
      euid: num(creds.euid),
      loginuid: num(p.auid),
      startTime: str(p.start_time),
      ancestors,
    },
    container: pod
      ? {
          id: (str(c.id) ?? "").replace(/^[a-z-]+:\/\//, ""),
          name: str(c.name),
          image: imageRef,
          imageRepository: splitImage(imageRef).repository,
          imageTag: splitImage(imageRef).tag,
          imageDigest: idParts.digest,
          startTime: str(c.start_time),
        }
      : { id: HOST_CONTAINER_ID },
  };
  if (pod && str(pod.name) && str(pod.namespace))
    e.k8s = { podName: str(pod.name)!, namespace: str(pod.namespace)!, containerName: str(c.name) };
  return e;
}

interface Args {
  ints: number[];
  strings: string[];
  files: string[];
  sock?: Obj;
}

function collectArgs(raw: unknown): Args {
  const a: Args = { ints: [], strings: [], files: [] };
  for (const x of Array.isArray(raw) ? raw : []) {
    const o = obj(x);
    if (o.int_arg !== undefined || o.uint_arg !== undefined || o.long_arg !== undefined)
      a.ints.push(num(o.int_arg ?? o.uint_arg ?? o.long_arg) ?? 0);
    if (o.string_arg !== undefined) a.strings.push(str(o.string_arg) ?? "");
    const file = obj(o.file_arg ?? o.path_arg ?? o.linux_binprm_arg);
    if (str(file.path) !== undefined) a.files.push(str(file.path)!);
    if (isObj(o.sock_arg) || isObj(o.sockaddr_arg)) a.sock = obj(o.sock_arg ?? o.sockaddr_arg);
  }
  return a;
}

const MAY_WRITE = 2;
const MAY_READ = 4;

function kprobe(b: EventBase, fn: string, a: Args): RuntimeEvent | string {
  const sys = fn.replace(/^__(x64|arm64|ia32)_/, "").replace(/^sys_/, "");
  if (fn === "tcp_connect" || sys === "connect" || fn === "tcp_sendmsg") {
    const s = a.sock ?? {};
    const family: SocketFamily =
      str(s.family) === "AF_INET6" ? "ipv6" : str(s.family) === "AF_UNIX" ? "unix" : "ipv4";
    return {
      ...b,
      syscall: "connect",
      type: "connect",
      family,
      protocol: str(s.protocol) === "IPPROTO_UDP" ? "udp" : "tcp",
      local: { ip: str(s.saddr) ?? "", port: num(s.sport) ?? 0 },
      remote: { ip: str(s.daddr) ?? "", port: num(s.dport) ?? 0 },
    };
  }
  if (
    fn === "security_file_permission" ||
    fn === "security_file_open" ||
    fn === "fd_install" ||
    sys === "openat" ||
    sys === "open"
  ) {
    const path = a.files[0] ?? a.strings[0] ?? "";
    const mask = a.ints[0] ?? MAY_READ;
    const write = (mask & MAY_WRITE) !== 0;
    const read = (mask & MAY_READ) !== 0 || !write;
    return {
      ...b,
      syscall: "openat",
      type: "open",
      path,
      flags: write ? ["O_WRONLY"] : ["O_RDONLY"],
      access: read && write ? "readwrite" : write ? "write" : "read",
    };
  }
  if (
    fn === "security_kernel_module_request" ||
    fn === "do_init_module" ||
    sys === "finit_module" ||
    sys === "init_module"
  )
    return { ...b, syscall: "finit_module", type: "module_load", name: a.strings[0] };
  const t = typeOfSyscall(sys);
  switch (t) {
    case "setuid":
    case "setgid":
      return { ...b, syscall: sys, type: t, targetId: a.ints[0] };
    case "ptrace":
      return {
        ...b,
        syscall: sys,
        type: "ptrace",
        request: ptraceRequest(a.ints[0]),
        targetPid: a.ints[1] ?? UNKNOWN,
      };
    case "mount":
      return {
        ...b,
        syscall: sys,
        type: "mount",
        device: a.strings[0],
        target: a.strings[1] ?? a.files[0] ?? "",
        fsType: a.strings[2],
      };
    case "unshare":
    case "setns":
      return { ...b, syscall: sys, type: t, namespaces: cloneFlags(a.ints[t === "unshare" ? 0 : 1] ?? 0) };
    case "memfd_create":
      return { ...b, syscall: sys, type: "memfd_create", name: a.strings[0] ?? "" };
    case "bpf":
      return {
        ...b,
        syscall: sys,
        type: "bpf",
        command: a.ints[0] === 5 ? "BPF_PROG_LOAD" : `BPF_CMD_${a.ints[0] ?? "?"}`,
      };
    case "dup":
      return {
        ...b,
        syscall: sys,
        type: "dup",
        oldFd: a.ints[0] ?? UNKNOWN,
        newFd: a.ints[1] ?? UNKNOWN,
        fdKind: "unknown",
      };
    case "chmod":
      return {
        ...b,
        syscall: sys,
        type: "chmod",
        path: a.files[0] ?? a.strings[0] ?? "",
        mode: a.ints[a.ints.length - 1] ?? 0,
      };
    case "unlink":
      return { ...b, syscall: sys, type: "unlink", path: a.files[0] ?? a.strings[0] ?? "" };
    default:
      return `kprobe ${fn} has no Bulwark event type`;
  }
}

const PTRACE: Record<number, string> = {
  4: "PTRACE_POKETEXT",
  5: "PTRACE_POKEDATA",
  13: "PTRACE_SETREGS",
  16: "PTRACE_ATTACH",
  0x4206: "PTRACE_SEIZE",
};
const ptraceRequest = (n: number | undefined): string =>
  n === undefined ? "" : (PTRACE[n] ?? `PTRACE_${n}`);

const CLONE_NS: Array<[number, string]> = [
  [0x00020000, "CLONE_NEWNS"],
  [0x02000000, "CLONE_NEWCGROUP"],
  [0x04000000, "CLONE_NEWUTS"],
  [0x08000000, "CLONE_NEWIPC"],
  [0x10000000, "CLONE_NEWUSER"],
  [0x20000000, "CLONE_NEWPID"],
  [0x40000000, "CLONE_NEWNET"],
];
const cloneFlags = (n: number): string[] => CLONE_NS.filter(([bit]) => (n & bit) !== 0).map(([, s]) => s);

export function mapTetragonRecord(rec: unknown): Mapped {
  if (!isObj(rec)) return { ok: false, reason: "not a JSON object" };
  if (isObj(rec.process_exec)) return checked({ ...base(rec, rec.process_exec, "execve"), type: "exec" });
  if (isObj(rec.process_exit)) {
    const x = rec.process_exit;
    return checked({ ...base(rec, x, "procexit"), type: "exit", exitCode: num(x.status) });
  }
  const k = isObj(rec.process_kprobe)
    ? rec.process_kprobe
    : isObj(rec.process_tracepoint)
      ? rec.process_tracepoint
      : undefined;
  if (!k) return { ok: false, reason: `unsupported Tetragon event (keys: ${Object.keys(rec).join(", ")})` };
  const fn = str(k.function_name) ?? str(k.event) ?? "";
  const e = kprobe(base(rec, k, undefined), fn, collectArgs(k.args));
  if (typeof e === "string") return { ok: false, reason: e };
  const ret = obj(k.return);
  if (num(ret.int_arg) !== undefined) e.result = num(ret.int_arg);
  return checked(e);
}
