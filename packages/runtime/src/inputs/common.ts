/** Helpers shared by the input mappers (Falco JSON, Tetragon JSON). */
import type { Endpoint, RuntimeEvent, RuntimeEventType } from "../events/types.js";
import { checkRuntimeEvent } from "../events/validate.js";

/** Result of mapping one foreign record: an event, or why it was skipped. */
export type Mapped = { ok: true; event: RuntimeEvent } | { ok: false; reason: string };

/** Foreign records are untrusted: whatever a mapper built must still pass the event schema. */
export function checked(e: RuntimeEvent): Mapped {
  const c = checkRuntimeEvent(e);
  return c.ok ? c : { ok: false, reason: `mapped event invalid: ${c.reason}` };
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
export const num = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
};
export const basename = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/** Syscall name → our event type (names as Falco's evt.type and Tetragon's sys_* spell them). */
const SYSCALL_TYPES: Record<string, RuntimeEventType> = {
  execve: "exec",
  execveat: "exec",
  procexit: "exit",
  open: "open",
  openat: "open",
  openat2: "open",
  creat: "open",
  unlink: "unlink",
  unlinkat: "unlink",
  rename: "rename",
  renameat: "rename",
  renameat2: "rename",
  chmod: "chmod",
  fchmod: "chmod",
  fchmodat: "chmod",
  chown: "chown",
  fchown: "chown",
  fchownat: "chown",
  lchown: "chown",
  connect: "connect",
  accept: "accept",
  accept4: "accept",
  listen: "listen",
  dup: "dup",
  dup2: "dup",
  dup3: "dup",
  setuid: "setuid",
  setresuid: "setuid",
  setreuid: "setuid",
  setgid: "setgid",
  setresgid: "setgid",
  setregid: "setgid",
  capset: "capset",
  ptrace: "ptrace",
  mount: "mount",
  umount: "umount",
  umount2: "umount",
  unshare: "unshare",
  setns: "setns",
  init_module: "module_load",
  finit_module: "module_load",
  bpf: "bpf",
  memfd_create: "memfd_create",
};

export function typeOfSyscall(name: string): RuntimeEventType | undefined {
  return SYSCALL_TYPES[name];
}

/** Splits Falco's "1.2.3.4:5->6.7.8.9:10" (or "[::1]:5->[::2]:10") into client and server. */
export function parseTuple(name: string): { client?: Endpoint; server?: Endpoint } {
  const ep = (s: string | undefined): Endpoint | undefined => {
    if (!s) return undefined;
    const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s.trim());
    return m ? { ip: m[1]!, port: Number(m[2]) } : undefined;
  };
  const [a, b] = name.split("->");
  return b === undefined ? { server: ep(a) } : { client: ep(a), server: ep(b) };
}

/** Splits an image reference into repository, tag and digest. */
export function splitImage(ref: string | undefined): { repository?: string; tag?: string; digest?: string } {
  if (!ref) return {};
  const [name, digest] = ref.split("@", 2) as [string, string | undefined];
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash
    ? { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest }
    : { repository: name, digest };
}
