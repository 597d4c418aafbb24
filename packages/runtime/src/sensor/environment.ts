/**
 * What the kernel sensor needs before bpftrace starts: the binary, privileges (root or
 * CAP_BPF+CAP_PERFMON), tracefs mounted (mounted here if it is not), and the list of
 * tracepoints this kernel offers, so the program only names probes that exist.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { SensorError } from "./errors.js";

export const TRACEFS_DIRS = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

/** `BULWARK_BPFTRACE` overrides the binary (also lets tests point at a missing one). */
export function findBpftrace(env = process.env): string {
  const override = env.BULWARK_BPFTRACE;
  if (override) {
    if (!isExecutable(override))
      throw new SensorError(
        "SENSOR_UNAVAILABLE",
        `bpftrace not found at ${override} (BULWARK_BPFTRACE); use --sensor proc for the lossy /proc fallback`,
      );
    return override;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const p = join(dir || ".", "bpftrace");
    if (isExecutable(p)) return p;
  }
  throw new SensorError(
    "SENSOR_UNAVAILABLE",
    "bpftrace is not installed (apt-get install bpftrace); use --sensor proc for the lossy /proc fallback",
  );
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CAP_BPF (39) and CAP_PERFMON (38), or CAP_SYS_ADMIN (21), in the effective set. */
export function hasTracingPrivileges(status = safeRead("/proc/self/status")): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (!m?.[1]) return false;
  const caps = BigInt(`0x${m[1]}`);
  const has = (n: number) => ((caps >> BigInt(n)) & 1n) === 1n;
  return has(21) || (has(38) && has(39));
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}

/** The tracefs directory, mounting tracefs when it is not there yet. */
export function ensureTracefs(): string {
  for (const d of TRACEFS_DIRS) if (existsSync(join(d, "events"))) return d;
  try {
    execFileSync("mount", ["-t", "tracefs", "tracefs", "/sys/kernel/tracing"], { stdio: "ignore" });
  } catch {
    // reported below
  }
  if (existsSync("/sys/kernel/tracing/events")) return "/sys/kernel/tracing";
  throw new SensorError(
    "SENSOR_NOT_PERMITTED",
    "tracefs is not mounted and could not be mounted at /sys/kernel/tracing (needs root)",
  );
}

export function tracepointAvailable(tracefs: string): (tp: string) => boolean {
  return (tp) => existsSync(join(tracefs, "events", ...tp.split(":")));
}

/** Whether the module-load syscalls are kprobe-able (absent when the kernel has no module support). */
export function moduleKprobesAvailable(tracefs: string): boolean {
  const text = safeRead(join(tracefs, "available_filter_functions"));
  return /^__x64_sys_finit_module$/m.test(text);
}

export function checkSensorEnvironment(env = process.env): { bpftrace: string; tracefs: string } {
  const bpftrace = findBpftrace(env);
  if (!hasTracingPrivileges())
    throw new SensorError(
      "SENSOR_NOT_PERMITTED",
      "the eBPF sensor needs root (or CAP_BPF and CAP_PERFMON); run as root or use --sensor proc for the lossy /proc fallback",
    );
  return { bpftrace, tracefs: ensureTracefs() };
}
