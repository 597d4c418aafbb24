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

import { emit, type Probe } from "./emit.js";
import {
  fileProbes,
  MODULE_PROBE,
  networkProbes,
  privilegeProbes,
  processProbes,
  systemProbes,
} from "./probes.js";

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

/** The record the program prints once every probe is attached. */
export const READY_RECORD = "READY";

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
  // bpftrace prints "attached_probes" before it attaches them; BEGIN fires once all are
  // attached, so its record is the moment the sensor really sees everything.
  blocks.unshift(`BEGIN {\n  printf("${READY_RECORD}\\n");\n}`);
  return { text: `${blocks.join("\n\n")}\n`, skipped };
}
