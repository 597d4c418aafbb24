/**
 * Raw sensor records: one line of the bpftrace program (program.ts) split into typed
 * fields, before process and container context are added. Kept separate from the event
 * model so the parser can be property-tested on its own.
 */

/** Fields every record carries (the common header). */
export interface RecordHeader {
  /** Kernel monotonic nanoseconds (bpftrace `nsecs`). */
  ktimeNs: bigint;
  pid: number;
  tid: number;
  ppid: number;
  uid: number;
  gid: number;
  loginuid: number;
  cgroupId: bigint;
  mntns: number;
  comm: string;
}

export type SensorRecord = RecordHeader &
  (
    | { kind: "exec"; tty: number; euid: number; filename: string }
    | { kind: "exit"; exitCode: number }
    | { kind: "open"; flags: number; dfd: number; path: string }
    | { kind: "unlink"; path: string }
    | { kind: "rename"; oldPath: string; newPath?: string }
    | { kind: "chmod"; mode: number; path: string }
    | { kind: "chown"; owner: number; group: number; path: string }
    | { kind: "connect"; fd: number; family: number; port: number; protocol: number; address: string }
    | {
        kind: "accept" | "listen" | "dup";
        fd: number;
        /** dup: the new fd (0-2); 0 otherwise. */
        extra: number;
        family: number;
        localPort: number;
        remotePort: number;
        protocol: number;
        localAddress: string;
        remoteAddress: string;
      }
    | { kind: "setuid" | "setgid"; id: number }
    | { kind: "capset"; effectiveLow: number; effectiveHigh: number }
    | { kind: "ptrace"; request: number; targetPid: number }
    | { kind: "mount"; flags: bigint; target: string; fsType?: string; device?: string }
    | { kind: "umount"; flags: number; target: string }
    | { kind: "unshare"; flags: bigint }
    | { kind: "setns"; nstype: number }
    | { kind: "bpf"; command: number; programType: number }
    | { kind: "memfd_create"; flags: number; name: string }
    | { kind: "module_load" }
  );

/** argv of an exec (continuation line `A`), NUL separated in the kernel. */
export interface ArgvRecord {
  kind: "argv";
  pid: number;
  args: string[];
}

/** Second string of a rename (`r`: new path) or mount (`n`: fs type, `s`: source). */
export interface MoreRecord {
  kind: "more";
  of: "rename" | "mount" | "mountsrc";
  tid: number;
  text: string;
}

export type ParsedLine =
  | { ok: true; record: SensorRecord | ArgvRecord | MoreRecord }
  | { ok: true; lost: number }
  | { ok: true; ready: true }
  | { ok: true; ignored: true }
  | { ok: false; error: string };
