/**
 * Parses one stdout line of `bpftrace -f json` running the sensor program. bpftrace
 * escapes the printf text as a JSON string; inside it, fields are tab separated (see
 * program.ts). `lost_events` lines carry the perf ring buffer losses, which we count.
 * Nothing here throws: a malformed line is `{ ok: false }` and the reader counts it.
 */
import { READY_RECORD } from "./program.js";
import type { ArgvRecord, MoreRecord, ParsedLine, RecordHeader, SensorRecord } from "./records.js";

const HEADER_FIELDS = 9;

/** `addresses`: ntop() strings printed after the numbers (socket records), never containing tabs. */
type Spec = { kind: SensorRecord["kind"]; numbers: number; strings: number; addresses?: number };

/** Kind letter → record kind, count of kind-specific numeric fields, count of strings after comm. */
const SPECS: Record<string, Spec> = {
  X: { kind: "exec", numbers: 2, strings: 1 },
  Q: { kind: "exit", numbers: 1, strings: 0 },
  O: { kind: "open", numbers: 2, strings: 1 },
  U: { kind: "unlink", numbers: 0, strings: 1 },
  R: { kind: "rename", numbers: 0, strings: 1 },
  M: { kind: "chmod", numbers: 1, strings: 1 },
  W: { kind: "chown", numbers: 2, strings: 1 },
  C: { kind: "connect", numbers: 4, strings: 1 },
  Y: { kind: "accept", numbers: 6, strings: 0, addresses: 2 },
  L: { kind: "listen", numbers: 6, strings: 0, addresses: 2 },
  D: { kind: "dup", numbers: 6, strings: 0, addresses: 2 },
  S: { kind: "setuid", numbers: 1, strings: 0 },
  G: { kind: "setgid", numbers: 1, strings: 0 },
  K: { kind: "capset", numbers: 2, strings: 0 },
  T: { kind: "ptrace", numbers: 2, strings: 0 },
  N: { kind: "mount", numbers: 1, strings: 1 },
  V: { kind: "umount", numbers: 1, strings: 1 },
  H: { kind: "unshare", numbers: 1, strings: 0 },
  J: { kind: "setns", numbers: 1, strings: 0 },
  B: { kind: "bpf", numbers: 2, strings: 0 },
  F: { kind: "memfd_create", numbers: 1, strings: 1 },
  Z: { kind: "module_load", numbers: 0, strings: 0 },
};

export function parseSensorLine(line: string): ParsedLine {
  // bpftrace prints blank lines when it detaches; they carry nothing.
  if (line.trim() === "") return { ok: true, ignored: true };
  let outer: unknown;
  try {
    outer = JSON.parse(line);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  if (typeof outer !== "object" || outer === null || Array.isArray(outer))
    return { ok: false, error: "not an object" };
  const { type, data } = outer as { type?: unknown; data?: unknown };
  if (type === "lost_events") {
    const n = (data as { events?: unknown } | null)?.events;
    return typeof n === "number" && n >= 0 ? { ok: true, lost: n } : { ok: false, error: "bad lost_events" };
  }
  if (type !== "printf") return { ok: true, ignored: true };
  if (typeof data !== "string") return { ok: false, error: "printf data is not a string" };
  return parseRecordText(data.endsWith("\n") ? data.slice(0, -1) : data);
}

/** One record's text (without the newline). Exported for property tests. */
export function parseRecordText(text: string): ParsedLine {
  if (text === READY_RECORD) return { ok: true, ready: true };
  const f = text.split("\t");
  const letter = f[0] ?? "";
  if (letter === "A") return parseArgv(f);
  if (letter === "r" || letter === "n" || letter === "s") return parseMore(letter, f);
  const spec = SPECS[letter];
  if (!spec) return { ok: false, error: `unknown record kind ${JSON.stringify(letter.slice(0, 8))}` };
  const numEnd = 1 + HEADER_FIELDS + spec.numbers;
  const fixed = numEnd + (spec.addresses ?? 0);
  if (f.length < fixed + 1 + spec.strings) return { ok: false, error: `short ${spec.kind} record` };
  const header = parseHeader(f.slice(1, 1 + HEADER_FIELDS));
  const nums = f.slice(1 + HEADER_FIELDS, fixed);
  if (!header || !nums.slice(0, spec.numbers).every(isInteger) || !nums.slice(spec.numbers).every(isAddress))
    return { ok: false, error: `bad number in ${spec.kind} record` };
  // comm first; a tab inside the trailing path joins back into it (the path is the likelier one).
  const rest = f.slice(fixed);
  const comm = rest[0] ?? "";
  const str = spec.strings > 0 ? rest.slice(1).join("\t") : "";
  if (spec.strings === 0 && rest.length !== 1)
    return { ok: false, error: `extra fields in ${spec.kind} record` };
  return { ok: true, record: build(spec.kind, { ...header, comm }, nums, str) };
}

function isAddress(s: string): boolean {
  return /^[0-9a-fA-F.:]{1,45}$/.test(s);
}

function isInteger(s: string): boolean {
  return /^-?\d{1,20}$/.test(s);
}

function parseHeader(f: string[]): Omit<RecordHeader, "comm"> | undefined {
  if (f.length !== HEADER_FIELDS || !f.every(isInteger)) return undefined;
  const n = (i: number) => Number(f[i]);
  return {
    ktimeNs: BigInt(f[0] as string),
    pid: n(1),
    tid: n(2),
    ppid: n(3),
    uid: n(4) >>> 0,
    gid: n(5) >>> 0,
    loginuid: n(6) >>> 0,
    cgroupId: BigInt(f[7] as string),
    mntns: n(8) >>> 0,
  };
}

/** The kind-specific fields; `nums` are already checked to be integers. */
function build(kind: SensorRecord["kind"], h: RecordHeader, nums: string[], s: string): SensorRecord {
  const n = (i: number) => Number(nums[i]);
  switch (kind) {
    case "exec":
      return { ...h, kind, tty: n(0), euid: n(1) >>> 0, filename: s };
    case "exit":
      return { ...h, kind, exitCode: n(0) };
    case "open":
      return { ...h, kind, flags: n(0), dfd: n(1), path: s };
    case "unlink":
      return { ...h, kind, path: s };
    case "rename":
      return { ...h, kind, oldPath: s };
    case "chmod":
      return { ...h, kind, mode: n(0) & 0o7777, path: s };
    case "chown":
      return { ...h, kind, owner: n(0), group: n(1), path: s };
    case "connect":
      return { ...h, kind, fd: n(0), family: n(1), port: n(2), protocol: n(3), address: s };
    case "accept":
    case "listen":
    case "dup":
      return socketRecord(kind, h, nums);
    case "setuid":
    case "setgid":
      return { ...h, kind, id: n(0) >>> 0 };
    case "capset":
      return { ...h, kind, effectiveLow: n(0) >>> 0, effectiveHigh: n(1) >>> 0 };
    case "ptrace":
      return { ...h, kind, request: n(0), targetPid: n(1) };
    case "mount":
      return { ...h, kind, flags: BigInt(nums[0] as string), target: s };
    case "umount":
      return { ...h, kind, flags: n(0), target: s };
    case "unshare":
      return { ...h, kind, flags: BigInt(nums[0] as string) };
    case "setns":
      return { ...h, kind, nstype: n(0) };
    case "bpf":
      return { ...h, kind, command: n(0), programType: n(1) };
    case "memfd_create":
      return { ...h, kind, flags: n(0) >>> 0, name: s };
    case "module_load":
      return { ...h, kind };
  }
}

/** Socket records print two address strings as the last two numeric-position fields. */
function socketRecord(kind: "accept" | "listen" | "dup", h: RecordHeader, nums: string[]): SensorRecord {
  const n = (i: number) => Number(nums[i]);
  return {
    ...h,
    kind,
    fd: n(0),
    extra: n(1),
    family: n(2),
    localPort: n(3),
    remotePort: n(4),
    protocol: n(5),
    localAddress: nums[6] ?? "",
    remoteAddress: nums[7] ?? "",
  };
}

function parseArgv(f: string[]): ParsedLine {
  if (f.length < 3 || !isInteger(f[1] ?? "")) return { ok: false, error: "bad argv record" };
  const raw = f.slice(2).join("\t");
  const args = unescapeBuf(raw).split("\0");
  if (args.at(-1) === "") args.pop();
  return { ok: true, record: { kind: "argv", pid: Number(f[1]), args } satisfies ArgvRecord };
}

function parseMore(letter: string, f: string[]): ParsedLine {
  if (f.length < 3 || !isInteger(f[1] ?? "")) return { ok: false, error: "bad continuation record" };
  const more: MoreRecord = {
    kind: "more",
    of: letter === "r" ? "rename" : letter === "n" ? "mount" : "mountsrc",
    tid: Number(f[1]),
    text: f.slice(2).join("\t"),
  };
  return { ok: true, record: more };
}

/** bpftrace's `%r` prints non-printable bytes as `\xNN`; bytes are decoded as UTF-8 after. */
export function unescapeBuf(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(s[i] as string, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
