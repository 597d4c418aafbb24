/**
 * The runtime event model: every sensor (bpftrace, /proc polling) and every imported
 * stream (Falco JSON, Tetragon JSON, recorded replays) is mapped onto `RuntimeEvent`,
 * one discriminated union keyed by `type`. Rules, alerts and baselines only ever see
 * this shape, so a new source never changes the rule engine.
 *
 * Bump RUNTIME_EVENT_SCHEMA when a field changes meaning or a required field is added;
 * adding an optional field does not need a bump.
 */
export const RUNTIME_EVENT_SCHEMA = 1 as const;

/** Where an event came from; `proc` is the lossy /proc polling fallback. */
export type EventSource = "bpftrace" | "proc" | "falco" | "tetragon" | "replay" | "vault";

/** One ancestor of a process, parent first in `ProcessInfo.ancestors`. */
export interface AncestorInfo {
  pid: number;
  /** Short command name (comm, at most 15 chars on Linux). */
  name: string;
  exe?: string;
  args?: string[];
}

export interface ProcessInfo {
  pid: number;
  /** Thread id when the sensor knows it (equals pid for the main thread). */
  tid?: number;
  ppid: number;
  /** Short command name (comm). */
  name: string;
  /** argv[0] as passed to execve. */
  exe: string;
  /** Full path of the executable file (resolved /proc/PID/exe). */
  exePath?: string;
  /** argv[1..] (without argv[0]). */
  args: string[];
  cwd?: string;
  uid: number;
  gid: number;
  euid?: number;
  /** Audit login uid; 4294967295 (-1) when unset. */
  loginuid?: number;
  /** User name when the source resolved it (inside the container's /etc/passwd for container events). */
  userName?: string;
  /** Controlling terminal device number; 0 or absent = no tty. */
  tty?: number;
  /** Process start time, RFC 3339. */
  startTime?: string;
  /** Parent first, then grandparent, … as far as the sensor knows. */
  ancestors: AncestorInfo[];
  /** The executable lives in a container's upper (writable) layer or was written after start. */
  exeUpperLayer?: boolean;
  /** sha256 of the executable, when it drifted (ran from the container's upper layer). */
  exeSha256?: string;
  /** The executable's path is present in the image inventory (undefined when no inventory is known). */
  exeInImage?: boolean;
  /** The executable is an anonymous memory file (memfd_create) or lives on /dev/shm. */
  exeFromMemfd?: boolean;
  /** Process id inside its pid namespace (1 = the container's init), when known. */
  vpid?: number;
  /** Environment as KEY=VALUE strings, when the sensor captured it. */
  env?: string[];
  /** Effective / permitted capabilities, e.g. ["CAP_SYS_ADMIN"], when known. */
  capEffective?: string[];
  capPermitted?: string[];
}

export type ContainerRuntime = "runc" | "containerd" | "docker" | "podman" | "crio" | "unknown";

export interface MountInfo {
  source: string;
  destination: string;
  readOnly?: boolean;
}

/** `id: "host"` marks an event from the host itself (not in any container). */
export interface ContainerInfo {
  id: string;
  name?: string;
  /** Full image reference as the runtime saw it (e.g. docker.io/library/nginx:1.25). */
  image?: string;
  imageRepository?: string;
  imageTag?: string;
  /** sha256:… digest; links the container to Bulwark's inventory of that image. */
  imageDigest?: string;
  runtime?: ContainerRuntime;
  privileged?: boolean;
  labels?: Record<string, string>;
  capabilities?: string[];
  mounts?: MountInfo[];
  /** The user the container was started as (from its config). */
  user?: string;
  /** Container start time, RFC 3339. */
  startTime?: string;
}

export const HOST_CONTAINER_ID = "host";

export interface K8sInfo {
  podName: string;
  namespace: string;
  podUid?: string;
  containerName?: string;
  podLabels?: Record<string, string>;
}

export type SocketFamily = "ipv4" | "ipv6" | "unix";
export type L4Protocol = "tcp" | "udp" | "raw" | "unknown";

export interface Endpoint {
  ip: string;
  port: number;
}

/** Fields every event carries. */
export interface EventBase {
  schema: typeof RUNTIME_EVENT_SCHEMA;
  /** RFC 3339 with up to nanosecond precision. */
  time: string;
  source: EventSource;
  /** The syscall the event came from (e.g. "openat", "execve"), when the source knows it. */
  syscall?: string;
  /** Syscall return value (negative errno on failure); absent when unknown. */
  result?: number;
  hostname?: string;
  process: ProcessInfo;
  container: ContainerInfo;
  k8s?: K8sInfo;
}

export interface ExecEvent extends EventBase {
  type: "exec";
}

export interface ExitEvent extends EventBase {
  type: "exit";
  exitCode?: number;
  signal?: number;
}

export type OpenAccess = "read" | "write" | "readwrite";

/** A file opened (for write anywhere, or for read of a path the loaded rules ask about). */
export interface OpenEvent extends EventBase {
  type: "open";
  path: string;
  access: OpenAccess;
  /** Symbolic open flags, e.g. ["O_WRONLY", "O_CREAT", "O_TRUNC"]. */
  flags: string[];
  mode?: number;
  fd?: number;
}

export interface UnlinkEvent extends EventBase {
  type: "unlink";
  path: string;
}

export interface RenameEvent extends EventBase {
  type: "rename";
  oldPath: string;
  newPath: string;
}

export interface ChmodEvent extends EventBase {
  type: "chmod";
  path: string;
  /** Permission bits including setuid (0o4000) / setgid (0o2000). */
  mode: number;
}

export interface ChownEvent extends EventBase {
  type: "chown";
  path: string;
  uid: number;
  gid: number;
}

/** connect / accept / listen share one shape; `type` says which. */
export interface NetworkEvent extends EventBase {
  type: "connect" | "accept" | "listen";
  family: SocketFamily;
  protocol: L4Protocol;
  /** Local endpoint (the listening address for listen). */
  local?: Endpoint;
  /** Remote endpoint (absent for listen). */
  remote?: Endpoint;
  /** Socket path for unix sockets. */
  unixPath?: string;
  fd?: number;
}

export interface DnsEvent extends EventBase {
  type: "dns";
  /** Query name without the trailing dot. */
  query: string;
  qtype?: string;
  server?: Endpoint;
}

/** An fd duplicated onto another (dup/dup2/dup3); reverse shells dup a socket onto 0/1/2. */
export interface DupEvent extends EventBase {
  type: "dup";
  oldFd: number;
  newFd: number;
  /** What the duplicated fd refers to. */
  fdKind: "file" | "socket" | "pipe" | "unknown";
  family?: SocketFamily;
  remote?: Endpoint;
}

/** setuid/setgid/setresuid/setresgid/capset. */
export interface PrivilegeEvent extends EventBase {
  type: "setuid" | "setgid" | "capset";
  /** Target uid (setuid) or gid (setgid). */
  targetId?: number;
  /** Effective capabilities after capset, e.g. ["CAP_SYS_ADMIN"]. */
  capabilities?: string[];
}

export interface PtraceEvent extends EventBase {
  type: "ptrace";
  /** e.g. "PTRACE_ATTACH", "PTRACE_POKETEXT". */
  request: string;
  targetPid: number;
}

export interface MountEvent extends EventBase {
  type: "mount" | "umount";
  /** The mounted device or path (mount's first argument). */
  device?: string;
  target: string;
  fsType?: string;
  flags?: string[];
}

/** unshare / setns; `namespaces` lists CLONE_NEW* flags. */
export interface NamespaceEvent extends EventBase {
  type: "unshare" | "setns";
  namespaces: string[];
  /** For setns: the pid whose namespace was joined, when known. */
  targetPid?: number;
}

export interface ModuleLoadEvent extends EventBase {
  type: "module_load";
  /** Module name or the file it was loaded from (finit_module). */
  name?: string;
  path?: string;
}

export interface BpfEvent extends EventBase {
  type: "bpf";
  /** bpf() command, e.g. "BPF_PROG_LOAD". */
  command: string;
  programType?: string;
}

export interface MemfdEvent extends EventBase {
  type: "memfd_create";
  name: string;
  flags?: string[];
}

/**
 * A request to Bulwark's vault that its supervision flagged (source "vault"): the process is
 * the vault server, the container is the workload that made the request when it logged in
 * with a workload identity, otherwise the host. Carries the secret's path, never a value.
 */
export interface SecretAccessEvent extends EventBase {
  type: "secret_access";
  /** The vault API path, e.g. "secret/data/app/db". */
  path: string;
  /** read, list, create, update, delete, … (the HTTP method for Vault's API). */
  operation: string;
  /** Who: "approle:NAME", "workload:ROLE@sha256:…", "root:ACCESSOR", "address:IP", … */
  identity: string;
  /** The client's address. */
  remote?: string;
}

export type RuntimeEvent =
  | ExecEvent
  | ExitEvent
  | OpenEvent
  | UnlinkEvent
  | RenameEvent
  | ChmodEvent
  | ChownEvent
  | NetworkEvent
  | DnsEvent
  | DupEvent
  | PrivilegeEvent
  | PtraceEvent
  | MountEvent
  | NamespaceEvent
  | ModuleLoadEvent
  | BpfEvent
  | MemfdEvent
  | SecretAccessEvent;

export type RuntimeEventType = RuntimeEvent["type"];

/** Every event type, in a fixed order (used to index rules). */
export const RUNTIME_EVENT_TYPES: readonly RuntimeEventType[] = [
  "exec",
  "exit",
  "open",
  "unlink",
  "rename",
  "chmod",
  "chown",
  "connect",
  "accept",
  "listen",
  "dns",
  "dup",
  "setuid",
  "setgid",
  "capset",
  "ptrace",
  "mount",
  "umount",
  "unshare",
  "setns",
  "module_load",
  "bpf",
  "memfd_create",
  "secret_access",
];

export function isHostEvent(e: RuntimeEvent): boolean {
  return e.container.id === HOST_CONTAINER_ID;
}
