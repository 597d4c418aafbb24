/**
 * The probes of the sensor program other than opens (program.ts): process, file, network,
 * privilege and system families, each a list of tracepoints with a body printing records.
 */
import { emit, more, ntohs, type Probe } from "./emit.js";

export function fileProbes(): Probe[] {
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

export function networkProbes(): Probe[] {
  const sa = "((struct sockaddr_in *)args->uservaddr)";
  const sa6 = "((struct sockaddr_in6 *)args->uservaddr)";
  // The socket's protocol (TCP/UDP) from the fd, so rules can tell DNS over UDP from TCP.
  const connect = `${socketOf("args->fd")}
  $proto = $sk != 0 ? $sk->sk_protocol : 0;
  $fam = ${sa}->sin_family;
  if ($fam == 2) {
    ${emit(
      "C",
      [
        ["%d", "args->fd"],
        ["%d", "2"],
        ["%d", ntohs(`${sa}->sin_port`)],
        ["%d", "$proto"],
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
        ["%d", "$proto"],
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
        ["%d", "$proto"],
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

export function privilegeProbes(): Probe[] {
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

export function systemProbes(): Probe[] {
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

export function processProbes(): Probe[] {
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
export const MODULE_PROBE = `kprobe:__x64_sys_init_module, kprobe:__x64_sys_finit_module {
  ${emit("Z", [])}
}`;
