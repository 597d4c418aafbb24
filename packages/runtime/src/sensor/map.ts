/** One complete sensor record + the common event fields → the typed RuntimeEvent. */
import type { EventBase, RuntimeEvent } from "../events/index.js";
import {
  bpfProgramType,
  capabilityNames,
  l4Protocol,
  memfdFlagNames,
  mountFlagNames,
  namespaceNames,
  openAccess,
  openFlagNames,
  ptraceRequestName,
  socketFamily,
} from "./names.js";
import type { SensorRecord } from "./records.js";

export function recordEvent(r: SensorRecord, base: EventBase): RuntimeEvent | undefined {
  switch (r.kind) {
    case "exec":
      return { ...base, type: "exec", syscall: "execve" };
    case "exit":
      return { ...base, type: "exit", exitCode: (r.exitCode >> 8) & 0xff, signal: r.exitCode & 0x7f };
    case "open":
      return {
        ...base,
        type: "open",
        syscall: "openat",
        path: r.path,
        access: openAccess(r.flags),
        flags: openFlagNames(r.flags),
      };
    case "unlink":
      return { ...base, type: "unlink", syscall: "unlinkat", path: r.path };
    case "rename":
      return { ...base, type: "rename", syscall: "renameat", oldPath: r.oldPath, newPath: r.newPath ?? "" };
    case "chmod":
      return { ...base, type: "chmod", syscall: "fchmodat", path: r.path, mode: r.mode };
    case "chown":
      return { ...base, type: "chown", syscall: "fchownat", path: r.path, uid: r.owner, gid: r.group };
    case "connect":
      return connectEvent(r, base);
    case "accept":
    case "listen":
    case "dup":
      return socketEvent(r, base);
    case "setuid":
    case "setgid":
      return { ...base, type: r.kind, syscall: r.kind, targetId: r.id };
    case "capset":
      return {
        ...base,
        type: "capset",
        syscall: "capset",
        capabilities: capabilityNames(r.effectiveLow, r.effectiveHigh),
      };
    case "ptrace":
      return {
        ...base,
        type: "ptrace",
        syscall: "ptrace",
        request: ptraceRequestName(r.request),
        targetPid: r.targetPid,
      };
    case "mount":
      return {
        ...base,
        type: "mount",
        syscall: "mount",
        target: r.target,
        ...(r.device !== undefined ? { device: r.device } : {}),
        ...(r.fsType !== undefined ? { fsType: r.fsType } : {}),
        flags: mountFlagNames(r.flags),
      };
    case "umount":
      return { ...base, type: "umount", syscall: "umount2", target: r.target };
    case "unshare":
      return { ...base, type: "unshare", syscall: "unshare", namespaces: namespaceNames(r.flags) };
    case "setns":
      return { ...base, type: "setns", syscall: "setns", namespaces: namespaceNames(r.nstype) };
    case "bpf":
      return {
        ...base,
        type: "bpf",
        syscall: "bpf",
        command: "BPF_PROG_LOAD",
        programType: bpfProgramType(r.programType),
      };
    case "memfd_create":
      return {
        ...base,
        type: "memfd_create",
        syscall: "memfd_create",
        name: r.name,
        flags: memfdFlagNames(r.flags),
      };
    case "module_load":
      return { ...base, type: "module_load", syscall: "finit_module" };
  }
}

function connectEvent(
  r: Extract<SensorRecord, { kind: "connect" }>,
  base: EventBase,
): RuntimeEvent | undefined {
  const family = socketFamily(r.family);
  if (!family) return undefined;
  if (family === "unix")
    return {
      ...base,
      type: "connect",
      syscall: "connect",
      family,
      protocol: l4Protocol(r.protocol),
      unixPath: r.address,
      fd: r.fd,
    };
  return {
    ...base,
    type: "connect",
    syscall: "connect",
    family,
    protocol: l4Protocol(r.protocol),
    remote: { ip: r.address, port: r.port },
    fd: r.fd,
  };
}

function socketEvent(
  r: Extract<SensorRecord, { kind: "accept" | "listen" | "dup" }>,
  base: EventBase,
): RuntimeEvent | undefined {
  const family = socketFamily(r.family);
  if (!family) return undefined;
  const local = { ip: r.localAddress, port: r.localPort };
  const remote = { ip: r.remoteAddress, port: r.remotePort };
  if (r.kind === "dup") {
    // dup2/dup3 onto fd 0-2; the kernel side only emits IP sockets.
    return {
      ...base,
      type: "dup",
      syscall: "dup2",
      oldFd: r.fd,
      newFd: r.extra,
      fdKind: "socket",
      family,
      remote,
    };
  }
  const protocol = l4Protocol(r.protocol);
  if (r.kind === "listen")
    return { ...base, type: "listen", syscall: "listen", family, protocol, local, fd: r.fd };
  return { ...base, type: "accept", syscall: "accept", family, protocol, local, remote, fd: r.fd };
}
