/** Linux constants the sensor reports as numbers, turned into the names rules use. */

const OPEN_FLAGS: Array<[number, string]> = [
  [0x40, "O_CREAT"],
  [0x80, "O_EXCL"],
  [0x200, "O_TRUNC"],
  [0x400, "O_APPEND"],
  [0x800, "O_NONBLOCK"],
  [0x10000, "O_DIRECTORY"],
  [0x20000, "O_NOFOLLOW"],
  [0x80000, "O_CLOEXEC"],
  [0x400000, "O_TMPFILE"],
];

export function openFlagNames(flags: number): string[] {
  const acc = flags & 3;
  const out = [acc === 0 ? "O_RDONLY" : acc === 1 ? "O_WRONLY" : "O_RDWR"];
  for (const [bit, name] of OPEN_FLAGS) if ((flags & bit) !== 0) out.push(name);
  return out;
}

export function openAccess(flags: number): "read" | "write" | "readwrite" {
  const acc = flags & 3;
  if (acc === 2) return "readwrite";
  if (acc === 1 || (flags & 0x240) !== 0) return "write";
  return "read";
}

const NAMESPACES: Array<[number, string]> = [
  [0x00000080, "CLONE_NEWTIME"],
  [0x00020000, "CLONE_NEWNS"],
  [0x02000000, "CLONE_NEWCGROUP"],
  [0x04000000, "CLONE_NEWUTS"],
  [0x08000000, "CLONE_NEWIPC"],
  [0x10000000, "CLONE_NEWUSER"],
  [0x20000000, "CLONE_NEWPID"],
  [0x40000000, "CLONE_NEWNET"],
];

export function namespaceNames(flags: number | bigint): string[] {
  const f = Number(BigInt(flags) & 0xffffffffn);
  return NAMESPACES.filter(([bit]) => (f & bit) !== 0).map(([, n]) => n);
}

const MOUNT_FLAGS: Array<[number, string]> = [
  [1, "MS_RDONLY"],
  [2, "MS_NOSUID"],
  [4, "MS_NODEV"],
  [8, "MS_NOEXEC"],
  [32, "MS_REMOUNT"],
  [4096, "MS_BIND"],
  [8192, "MS_MOVE"],
  [16384, "MS_REC"],
  [1 << 18, "MS_PRIVATE"],
  [1 << 19, "MS_SLAVE"],
  [1 << 20, "MS_SHARED"],
];

export function mountFlagNames(flags: bigint): string[] {
  const f = Number(flags & 0xffffffffn);
  return MOUNT_FLAGS.filter(([bit]) => (f & bit) !== 0).map(([, n]) => n);
}

const PTRACE: Record<number, string> = {
  0: "PTRACE_TRACEME",
  1: "PTRACE_PEEKTEXT",
  2: "PTRACE_PEEKDATA",
  3: "PTRACE_PEEKUSER",
  4: "PTRACE_POKETEXT",
  5: "PTRACE_POKEDATA",
  6: "PTRACE_POKEUSER",
  7: "PTRACE_CONT",
  8: "PTRACE_KILL",
  9: "PTRACE_SINGLESTEP",
  12: "PTRACE_GETREGS",
  13: "PTRACE_SETREGS",
  16: "PTRACE_ATTACH",
  17: "PTRACE_DETACH",
  24: "PTRACE_SYSCALL",
  0x4200: "PTRACE_SETOPTIONS",
  0x4206: "PTRACE_SEIZE",
  0x4207: "PTRACE_INTERRUPT",
};

export function ptraceRequestName(req: number): string {
  return PTRACE[req] ?? `PTRACE_${req}`;
}

const CAPS = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

export function capabilityNames(low: number, high: number): string[] {
  const out: string[] = [];
  CAPS.forEach((name, i) => {
    const word = i < 32 ? low : high;
    if (((word >>> (i % 32)) & 1) === 1) out.push(name);
  });
  return out;
}

const BPF_PROG_TYPES = [
  "unspec",
  "socket_filter",
  "kprobe",
  "sched_cls",
  "sched_act",
  "tracepoint",
  "xdp",
  "perf_event",
  "cgroup_skb",
  "cgroup_sock",
  "lwt_in",
  "lwt_out",
  "lwt_xmit",
  "sock_ops",
  "sk_skb",
  "cgroup_device",
  "sk_msg",
  "raw_tracepoint",
  "cgroup_sock_addr",
  "lwt_seg6local",
  "lirc_mode2",
  "sk_reuseport",
  "flow_dissector",
  "cgroup_sysctl",
  "raw_tracepoint_writable",
  "cgroup_sockopt",
  "tracing",
  "struct_ops",
  "ext",
  "lsm",
  "sk_lookup",
  "syscall",
];

export function bpfProgramType(n: number): string {
  return BPF_PROG_TYPES[n] ?? String(n);
}

export function memfdFlagNames(flags: number): string[] {
  const names: Array<[number, string]> = [
    [1, "MFD_CLOEXEC"],
    [2, "MFD_ALLOW_SEALING"],
    [4, "MFD_HUGETLB"],
    [8, "MFD_NOEXEC_SEAL"],
    [16, "MFD_EXEC"],
  ];
  return names.filter(([b]) => (flags & b) !== 0).map(([, n]) => n);
}

export function socketFamily(f: number): "ipv4" | "ipv6" | "unix" | undefined {
  return f === 2 ? "ipv4" : f === 10 ? "ipv6" : f === 1 ? "unix" : undefined;
}

export function l4Protocol(p: number): "tcp" | "udp" | "raw" | "unknown" {
  return p === 6 ? "tcp" : p === 17 ? "udp" : p === 255 ? "raw" : "unknown";
}
