/**
 * The Bulwark-owned bpftrace program, generated from the paths and families the loaded
 * rules need. Every probe prints one tab-separated record through bpftrace's `-f json`
 * output, so bpftrace does the JSON string escaping and we never hand-parse its text
 * mode. Record layout (see parse.ts): KIND, then the common header
 *   nsecs pid tid ppid uid gid loginuid cgroup-id mntns-inum
 * then kind-specific numbers, then comm, then at most two free strings (paths). Strings
 * come last so a tab inside a path still parses (extra fields are joined back).
 *
 * Filtering happens in the kernel: opens are emitted only for write flags below the
 * write prefixes or for any access below the read prefixes; connects only for
 * AF_INET/AF_INET6/AF_UNIX; dup2/dup3 only onto fds 0-2 of an IP socket; the agent's
 * own pids are excluded by predicate.
 */

export interface SensorProgramOptions {
  /** Absolute path prefixes whose opens for write (O_WRONLY|O_RDWR|O_CREAT|O_TRUNC) are emitted. */
  writePrefixes: string[];
  /** Absolute path prefixes whose opens are emitted whatever the flags (sensitive reads). */
  readPrefixes: string[];
  /** pids (tgids) whose events are never emitted: the agent and bpftrace itself. */
  ignorePids: number[];
  /** Tracepoint names available on this kernel (`syscalls:sys_enter_openat`, …); probes for absent ones are left out. */
  available: (tracepoint: string) => boolean;
  /** The module-load syscalls can be kprobed (listed in available_filter_functions). */
  moduleKprobes: boolean;
}

export const DEFAULT_WRITE_PREFIXES = [
  "/etc/",
  "/bin/",
  "/sbin/",
  "/usr/",
  "/lib",
  "/boot/",
  "/root/",
  "/var/log/",
  "/var/spool/cron",
  "/dev/shm/",
  "/var/lib/dpkg/",
  "/var/lib/rpm/",
  "/proc/sys/",
  "/sys/kernel/",
];

export const DEFAULT_READ_PREFIXES = [
  "/etc/shadow",
  "/etc/gshadow",
  "/etc/sudoers",
  "/etc/pam.",
  "/etc/security/",
  "/etc/ssh/ssh_host_",
  "/root/.ssh/",
  "/home/",
  "/root/.aws/",
  "/root/.kube/",
  "/root/.docker/",
  "/root/.bash_history",
  "/var/run/secrets/",
  "/run/secrets/",
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/proc/1/environ",
  "/proc/kcore",
  "/dev/mem",
];

/** The common header after the kind letter: 9 numbers. */
const HEADER_FMT = "%llu\\t%d\\t%d\\t%d\\t%d\\t%d\\t%u\\t%llu\\t%u";
const HEADER_ARGS =
  "nsecs, pid, tid, curtask->real_parent->tgid, uid, gid, curtask->loginuid.val, cgroup, curtask->nsproxy->mnt_ns->ns.inum";

/**
 * One printf of a record: kind, header, numbers, comm, at most one string. bpftrace 0.17
 * sizes every printf's argument buffer on the 512-byte BPF stack like the largest printf
 * of the program, so a second string goes into a continuation record (see `more`).
 */
function emit(kind: string, numbers: Array<[string, string]>, strings: string[] = []): string {
  if (strings.length > 1) throw new Error("one string per record; use more()");
  const fmt = [kind, HEADER_FMT, ...numbers.map(([f]) => f), "%s", ...strings.map(() => "%s")].join("\\t");
  const args = [HEADER_ARGS, ...numbers.map(([, a]) => a), "comm", ...strings];
  return `printf("${fmt}\\n", ${args.join(", ")});`;
}

/** Continuation record: lower-case kind, tid and one more string of the record just printed. */
function more(kind: string, str: string): string {
  return `printf("${kind.toLowerCase()}\\t%d\\t%s\\n", tid, ${str});`;
}

const ntohs = (x: string) => `((${x} >> 8) | ((${x} & 0xff) << 8))`;

/** Longest prefix compared in the kernel; longer ones are cut (user space re-checks the full path). */
const MAX_PREFIX_BYTES = 32;

/**
 * Prefix tests as 64-bit word compares on the user buffer (`$w0..$w3`, read once): no
 * string literals, which bpftrace 0.17 would put on the 512-byte stack at STRLEN each.
 */
function prefixTest(prefixes: string[]): string {
  if (prefixes.length === 0) return "0";
  return prefixes.map((p) => wordCompare(checkPrefix(p))).join(" || ");
}

function wordCompare(prefix: string): string {
  const bytes = Buffer.from(prefix, "latin1").subarray(0, MAX_PREFIX_BYTES);
  const parts: string[] = [];
  for (let off = 0; off < bytes.length; off += 8) {
    const chunk = bytes.subarray(off, off + 8);
    let value = 0n;
    for (let i = chunk.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(chunk[i] ?? 0);
    const mask = chunk.length === 8 ? null : (1n << BigInt(chunk.length * 8)) - 1n;
    const w = `$w${off / 8}`;
    parts.push(
      mask === null
        ? `${w} == 0x${value.toString(16)}`
        : `(${w} & 0x${mask.toString(16)}) == 0x${value.toString(16)}`,
    );
  }
  return `(${parts.join(" && ")})`;
}

function checkPrefix(s: string): string {
  if (!/^\/[\x21-\x7e]*$/.test(s))
    throw new Error(`sensor path prefix must be absolute printable ASCII: ${JSON.stringify(s)}`);
  return s;
}

/** Reads the first words of the path once (probe_read_user; a failed read gives 0 = no match). */
function readWords(prefixes: string[]): string {
  const longest = Math.min(MAX_PREFIX_BYTES, Math.max(0, ...prefixes.map((p) => Buffer.byteLength(p))));
  const n = Math.ceil(longest / 8);
  const lines = ["$a = (uint64)args->filename;"];
  for (let i = 0; i < n; i++) lines.push(`$w${i} = *(uint64 *)($a + ${i * 8});`);
  return lines.join("\n  ");
}

/** Write-like open flags: O_WRONLY|O_RDWR|O_CREAT|O_TRUNC. */
const WRITE_FLAGS = "0x243";

interface Probe {
  tracepoints: string[];
  predicate?: string;
  body: string;
}

function openProbes(o: SensorProgramOptions): Probe[] {
  const body = (flags: string, dfd: string) => `
  $fl = (int64)(${flags});
  ${readWords([...o.writePrefixes, ...o.readPrefixes])}
  if (($fl & ${WRITE_FLAGS}) != 0 ? (${prefixTest(o.writePrefixes)}) : (${prefixTest(o.readPrefixes)})) {
    ${emit(
      "O",
      [
        ["%lld", "$fl"],
        ["%d", dfd],
      ],
      ["str(args->filename)"],
    )}
  }`;
  return [
    { tracepoints: ["syscalls:sys_enter_openat"], body: body("args->flags", "args->dfd") },
    { tracepoints: ["syscalls:sys_enter_open"], body: body("args->flags", "-100") },
    { tracepoints: ["syscalls:sys_enter_openat2"], body: body("*(uint64 *)args->how", "args->dfd") },
  ];
}

function fileProbes(): Probe[] {
  return [
    { tracepoints: ["syscalls:sys_enter_unlinkat"], body: emit("U", [], ["str(args->pathname)"]) },
    { tracepoints: ["syscalls:sys_enter_unlink"], body: emit("U", [], ["str(args->pathname)"]) },
    {
      tracepoints: [
        "syscalls:sys_enter_renameat2",
        "syscalls:sys_enter_renameat",
        "syscalls:sys_enter_rename",
      ],
      body: `${emit("R", [], ["str(args->oldname)"])}\n  ${more("R", "str(args->newname)")}`,
    },
    {
      tracepoints: [
        "syscalls:sys_enter_fchmodat",
        "syscalls:sys_enter_fchmodat2",
        "syscalls:sys_enter_chmod",
      ],
      body: emit("M", [["%d", "args->mode"]], ["str(args->filename)"]),
    },
    {
      tracepoints: ["syscalls:sys_enter_fchownat", "syscalls:sys_enter_chown", "syscalls:sys_enter_lchown"],
      body: emit(
        "W",
        [
          ["%d", "(int32)args->user"],
          ["%d", "(int32)args->group"],
        ],
        ["str(args->filename)"],
      ),
    },
  ];
}

/** Socket of fd `fdExpr` in the current task, as `$sk` (0 when not a socket). */
const socketOf = (fdExpr: string) => `
  $f = *(curtask->files->fdt->fd + (${fdExpr}));
  $sk = (struct sock *)0;
  if ($f != 0 && ($f->f_inode->i_mode & 0xF000) == 0xC000) { $sk = ((struct socket *)$f->private_data)->sk; }`;

/** Emits kind with fd, `extra` (dup: the new fd), the socket's family, ports and both addresses (v4 or v6). */
function emitSocket(kind: string, fdExpr: string, extra = "0"): string {
  const c = "$sk->__sk_common";
  const nums: Array<[string, string]> = [
    ["%d", fdExpr],
    ["%d", extra],
    ["%d", `${c}.skc_family`],
    ["%d", `${c}.skc_num`],
    ["%d", ntohs(`${c}.skc_dport`)],
    ["%d", "$sk->sk_protocol"],
  ];
  return `${socketOf(fdExpr)}
  if ($sk != 0 && (${c}.skc_family == 2 || ${c}.skc_family == 10)) {
    if (${c}.skc_family == 2) {
      ${emit(kind, [...nums, ["%s", `ntop(2, ${c}.skc_rcv_saddr)`], ["%s", `ntop(2, ${c}.skc_daddr)`]])}
    } else {
      ${emit(kind, [...nums, ["%s", `ntop(10, ${c}.skc_v6_rcv_saddr.in6_u.u6_addr8)`], ["%s", `ntop(10, ${c}.skc_v6_daddr.in6_u.u6_addr8)`]])}
    }
  }`;
}

function networkProbes(): Probe[] {
  const sa = "((struct sockaddr_in *)args->uservaddr)";
  const sa6 = "((struct sockaddr_in6 *)args->uservaddr)";
  const connect = `
  $fam = ${sa}->sin_family;
  if ($fam == 2) {
    ${emit(
      "C",
      [
        ["%d", "args->fd"],
        ["%d", "2"],
        ["%d", ntohs(`${sa}->sin_port`)],
      ],
      [`ntop(2, ${sa}->sin_addr.s_addr)`],
    )}
  } else if ($fam == 10) {
    ${emit(
      "C",
      [
        ["%d", "args->fd"],
        ["%d", "10"],
        ["%d", ntohs(`${sa6}->sin6_port`)],
      ],
      [`ntop(10, ${sa6}->sin6_addr.in6_u.u6_addr8)`],
    )}
  } else if ($fam == 1) {
    ${emit(
      "C",
      [
        ["%d", "args->fd"],
        ["%d", "1"],
        ["%d", "0"],
      ],
      ["str((uint8 *)args->uservaddr + 2)"],
    )}
  }`;
  return [
    { tracepoints: ["syscalls:sys_enter_connect"], body: connect },
    {
      tracepoints: ["syscalls:sys_exit_accept", "syscalls:sys_exit_accept4"],
      predicate: "args->ret >= 0",
      body: emitSocket("Y", "args->ret"),
    },
    { tracepoints: ["syscalls:sys_enter_listen"], body: emitSocket("L", "args->fd") },
    {
      tracepoints: ["syscalls:sys_enter_dup2", "syscalls:sys_enter_dup3"],
      predicate: "args->newfd <= 2 && args->oldfd != args->newfd",
      body: emitSocket("D", "args->oldfd", "args->newfd"),
    },
  ];
}

function privilegeProbes(): Probe[] {
  const id = (kind: string, expr: string): string => emit(kind, [["%d", `(int32)(${expr})`]]);
  return [
    { tracepoints: ["syscalls:sys_enter_setuid"], body: id("S", "args->uid") },
    {
      tracepoints: ["syscalls:sys_enter_setreuid", "syscalls:sys_enter_setresuid"],
      body: id("S", "args->euid"),
    },
    { tracepoints: ["syscalls:sys_enter_setgid"], body: id("G", "args->gid") },
    {
      tracepoints: ["syscalls:sys_enter_setregid", "syscalls:sys_enter_setresgid"],
      body: id("G", "args->egid"),
    },
    {
      tracepoints: ["syscalls:sys_enter_capset"],
      body: emit("K", [
        ["%u", "*(uint32 *)args->data"],
        ["%u", "*(uint32 *)((uint8 *)args->data + 12)"],
      ]),
    },
    {
      tracepoints: ["syscalls:sys_enter_ptrace"],
      body: emit("T", [
        ["%d", "args->request"],
        ["%d", "args->pid"],
      ]),
    },
  ];
}

function systemProbes(): Probe[] {
  return [
    {
      tracepoints: ["syscalls:sys_enter_mount"],
      body: `${emit("N", [["%lu", "args->flags"]], ["str(args->dir_name)"])}\n  ${more("N", "str(args->type)")}\n  ${more("S", "str(args->dev_name)")}`,
    },
    {
      tracepoints: ["syscalls:sys_enter_umount"],
      body: emit("V", [["%d", "args->flags"]], ["str(args->name)"]),
    },
    { tracepoints: ["syscalls:sys_enter_unshare"], body: emit("H", [["%lu", "args->unshare_flags"]]) },
    { tracepoints: ["syscalls:sys_enter_setns"], body: emit("J", [["%d", "args->flags"]]) },
    {
      tracepoints: ["syscalls:sys_enter_bpf"],
      predicate: "args->cmd == 5",
      body: emit("B", [
        ["%d", "args->cmd"],
        ["%d", "args->uattr->prog_type"],
      ]),
    },
    {
      tracepoints: ["syscalls:sys_enter_memfd_create"],
      body: emit("F", [["%u", "args->flags"]], ["str(args->uname)"]),
    },
  ];
}

function processProbes(): Probe[] {
  const exec = `
  $t = curtask->signal->tty;
  $tty = $t != 0 ? ((uint64)$t->driver->major << 20) | (uint64)($t->driver->minor_start + $t->index) : (uint64)0;
  ${emit(
    "X",
    [
      ["%llu", "$tty"],
      ["%d", "curtask->cred->euid.val"],
    ],
    ["str(args->filename)"],
  )}`;
  // argv in its own program (the two strings overflow one 512-byte BPF stack); the
  // kernel runs programs on one tracepoint in attach order, so A follows its X.
  const argv = `
  $a = curtask->mm->arg_start;
  $n = curtask->mm->arg_end - $a;
  printf("A\\t%d\\t%r\\n", pid, buf(uptr($a), $n > 200 ? 200 : $n));`;
  const exit = emit("Q", [["%d", "curtask->exit_code"]]);
  return [
    { tracepoints: ["sched:sched_process_exec"], body: exec },
    { tracepoints: ["sched:sched_process_exec"], body: argv },
    { tracepoints: ["sched:sched_process_exit"], predicate: "pid == tid", body: exit },
  ];
}

/** Module loading has no syscall tracepoints when the kernel lacks CONFIG_MODULES; kprobes on the entry points still see attempts. */
const MODULE_PROBE = `kprobe:__x64_sys_init_module, kprobe:__x64_sys_finit_module {
  ${emit("Z", [])}
}`;

export function buildSensorProgram(o: SensorProgramOptions): { text: string; skipped: string[] } {
  const probes = [
    ...processProbes(),
    ...openProbes(o),
    ...fileProbes(),
    ...networkProbes(),
    ...privilegeProbes(),
    ...systemProbes(),
  ];
  const ignore = o.ignorePids.map((p) => `pid != ${Math.trunc(p)}`).join(" && ");
  const skipped: string[] = [];
  const blocks: string[] = [];
  for (const p of probes) {
    const tps = p.tracepoints.filter((t) => o.available(t));
    skipped.push(...p.tracepoints.filter((t) => !o.available(t)));
    if (tps.length === 0) continue;
    const pred = [ignore, p.predicate]
      .filter(Boolean)
      .map((x) => `(${x})`)
      .join(" && ");
    blocks.push(`${tps.map((t) => `tracepoint:${t}`).join(", ")}${pred ? ` /${pred}/` : ""} {${p.body}\n}`);
  }
  if (o.moduleKprobes) blocks.push(MODULE_PROBE.replace("{", ignore ? `/${ignore}/ {` : "{"));
  else skipped.push("kprobe:__x64_sys_finit_module");
  return { text: `${blocks.join("\n\n")}\n`, skipped };
}
