/**
 * Maps Falco's JSON alert output (json_output: true; one object per line with rule,
 * priority, time, output and output_fields) onto RuntimeEvents. Falco only emits the
 * fields a rule's output names, so the event carries what the alert carried; unknown
 * numeric ids are -1 and absent strings are "".
 */
import {
  HOST_CONTAINER_ID,
  RUNTIME_EVENT_SCHEMA,
  type AncestorInfo,
  type EventBase,
  type RuntimeEvent,
} from "../events/types.js";
import {
  checked,
  isObj,
  num,
  parseTuple,
  splitImage,
  str,
  typeOfSyscall,
  type Mapped,
  type Obj,
} from "./common.js";

const UNKNOWN = -1;

function ancestors(f: Obj): AncestorInfo[] {
  const out: AncestorInfo[] = [];
  const pname = str(f["proc.pname"]) ?? str(f["proc.aname[1]"]);
  if (pname !== undefined)
    out.push({ pid: num(f["proc.ppid"]) ?? UNKNOWN, name: pname, exe: str(f["proc.pexe"]) });
  for (let n = 2; n <= 10; n++) {
    const name = str(f[`proc.aname[${n}]`]);
    if (name === undefined) break;
    out.push({ pid: num(f[`proc.apid[${n}]`]) ?? UNKNOWN, name });
  }
  return out;
}

function args(f: Obj): string[] {
  const a = str(f["proc.args"]);
  if (a !== undefined) return a === "" ? [] : a.split(" ");
  const cmd = str(f["proc.cmdline"]);
  return cmd ? cmd.split(" ").slice(1) : [];
}

function base(rec: Obj, f: Obj, syscall: string): Omit<EventBase, "source"> & { source: "falco" } {
  const cid = str(f["container.id"]) ?? HOST_CONTAINER_ID;
  const image = str(f["container.image"]);
  const repo = str(f["container.image.repository"]);
  const tag = str(f["container.image.tag"]);
  const parts = splitImage(image);
  const name = str(f["proc.name"]) ?? "";
  const e: Omit<EventBase, "source"> & { source: "falco" } = {
    schema: RUNTIME_EVENT_SCHEMA,
    time: str(rec.time) ?? new Date(0).toISOString(),
    source: "falco",
    syscall,
    hostname: str(rec.hostname),
    process: {
      pid: num(f["proc.pid"]) ?? UNKNOWN,
      ppid: num(f["proc.ppid"]) ?? UNKNOWN,
      name,
      exe: str(f["proc.exe"]) ?? name,
      exePath: str(f["proc.exepath"]),
      args: args(f),
      cwd: str(f["proc.cwd"]),
      uid: num(f["user.uid"]) ?? UNKNOWN,
      gid: num(f["group.gid"]) ?? UNKNOWN,
      loginuid: num(f["user.loginuid"]),
      userName: str(f["user.name"]),
      tty: num(f["proc.tty"]),
      ancestors: ancestors(f),
      exeUpperLayer: f["proc.is_exe_upper_layer"] === true || undefined,
      exeFromMemfd: f["proc.is_exe_from_memfd"] === true || undefined,
    },
    container: {
      id: cid,
      name: str(f["container.name"]),
      image: image ?? (repo ? (tag ? `${repo}:${tag}` : repo) : undefined),
      imageRepository: repo ?? parts.repository,
      imageTag: tag ?? parts.tag,
      imageDigest: str(f["container.image.digest"]) ?? parts.digest,
      privileged: typeof f["container.privileged"] === "boolean" ? f["container.privileged"] : undefined,
    },
  };
  const pod = str(f["k8s.pod.name"]);
  const ns = str(f["k8s.ns.name"]);
  if (pod && ns) e.k8s = { podName: pod, namespace: ns };
  const res = num(f["evt.rawres"]);
  if (res !== undefined) e.result = res;
  return e;
}

const flagList = (v: unknown): string[] => (str(v) ?? "").split("|").filter(Boolean);

function withType(b: ReturnType<typeof base>, f: Obj, syscall: string): RuntimeEvent | string {
  const t = typeOfSyscall(syscall);
  const path =
    str(f["fd.name"]) ?? str(f["evt.arg.name"]) ?? str(f["evt.arg.path"]) ?? str(f["evt.arg.filename"]) ?? "";
  switch (t) {
    case "exec":
    case "exit":
      return { ...b, type: t };
    case "open": {
      const flags = flagList(f["evt.arg.flags"]);
      const write = f["evt.is_open_write"] === true || flags.some((x) => x === "O_WRONLY" || x === "O_RDWR");
      const read =
        f["evt.is_open_read"] === true || flags.some((x) => x === "O_RDONLY" || x === "O_RDWR") || !write;
      return {
        ...b,
        type: "open",
        path,
        flags,
        access: read && write ? "readwrite" : write ? "write" : "read",
      };
    }
    case "unlink":
      return { ...b, type: "unlink", path };
    case "rename":
      return {
        ...b,
        type: "rename",
        oldPath: str(f["evt.arg.oldpath"]) ?? "",
        newPath: str(f["evt.arg.newpath"]) ?? "",
      };
    case "chmod":
      return { ...b, type: "chmod", path, mode: modeOf(f["evt.arg.mode"]) };
    case "connect":
    case "accept":
    case "listen": {
      const { client, server } = parseTuple(str(f["fd.name"]) ?? "");
      const ft = str(f["fd.type"]);
      const family = ft === "ipv6" ? "ipv6" : ft === "unix" ? "unix" : "ipv4";
      const protocol = str(f["fd.l4proto"]) === "udp" ? "udp" : "tcp";
      const [local, remote] = t === "accept" ? [server, client] : [client, server];
      return {
        ...b,
        type: t,
        family,
        protocol,
        local: t === "listen" ? server : local,
        remote: t === "listen" ? undefined : remote,
      };
    }
    case "dup": {
      const ft = str(f["fd.type"]);
      const sock = ft === "ipv4" || ft === "ipv6";
      return {
        ...b,
        type: "dup",
        oldFd: num(f["fd.num"]) ?? UNKNOWN,
        newFd: num(f["evt.rawres"]) ?? UNKNOWN,
        fdKind: sock ? "socket" : "unknown",
        family: sock ? ft : undefined,
        remote: sock ? parseTuple(str(f["fd.name"]) ?? "").server : undefined,
      };
    }
    case "setuid":
    case "setgid":
      return { ...b, type: t, targetId: num(f[t === "setuid" ? "evt.arg.uid" : "evt.arg.gid"]) };
    case "ptrace":
      return {
        ...b,
        type: "ptrace",
        request: str(f["evt.arg.request"]) ?? "",
        targetPid: num(f["evt.arg.pid"]) ?? UNKNOWN,
      };
    case "mount":
    case "umount":
      return {
        ...b,
        type: t,
        target: str(f["evt.arg.dir"]) ?? str(f["evt.arg.name"]) ?? "",
        device: str(f["evt.arg.dev"]),
        fsType: str(f["evt.arg.type"]),
      };
    case "unshare":
    case "setns":
      return { ...b, type: t, namespaces: flagList(f["evt.arg.flags"]) };
    case "module_load":
      return { ...b, type: "module_load", name: str(f["evt.arg.name"]) };
    case "bpf":
      return { ...b, type: "bpf", command: str(f["evt.arg.cmd"]) ?? "" };
    case "memfd_create":
      return { ...b, type: "memfd_create", name: str(f["evt.arg.name"]) ?? "" };
    default:
      return `evt.type ${syscall} has no Bulwark event type`;
  }
}

function modeOf(v: unknown): number {
  const n = num(v);
  if (n !== undefined) return n;
  const s = str(v) ?? "";
  if (/^0?[0-7]{3,4}$/.test(s)) return parseInt(s, 8);
  const bits: Record<string, number> = {
    S_ISUID: 0o4000,
    S_ISGID: 0o2000,
    S_ISVTX: 0o1000,
    S_IRUSR: 0o400,
    S_IWUSR: 0o200,
    S_IXUSR: 0o100,
    S_IRGRP: 0o40,
    S_IWGRP: 0o20,
    S_IXGRP: 0o10,
    S_IROTH: 0o4,
    S_IWOTH: 0o2,
    S_IXOTH: 0o1,
  };
  return s.split("|").reduce((m, x) => m | (bits[x.trim()] ?? 0), 0);
}

export function mapFalcoRecord(rec: unknown): Mapped {
  if (!isObj(rec)) return { ok: false, reason: "not a JSON object" };
  const f = rec.output_fields;
  if (!isObj(f)) return { ok: false, reason: "no output_fields (is json_output enabled?)" };
  if (rec.source !== undefined && rec.source !== "syscall")
    return { ok: false, reason: `source ${JSON.stringify(rec.source)} is not a syscall event` };
  const syscall = str(f["evt.type"]);
  if (!syscall) return { ok: false, reason: "output_fields has no evt.type" };
  const mapped = withType(base(rec, f, syscall), f, syscall);
  return typeof mapped === "string" ? { ok: false, reason: mapped } : checked(mapped);
}
