/** proc.*, thread.*, user.* and group.* fields. */
import type { AncestorInfo, ProcessInfo, RuntimeEvent } from "../../events/types.js";
import { plain, type Extractor, type FieldDef } from "./types.js";

const joinCmdline = (name: string, args: readonly string[] | undefined): string =>
  args && args.length > 0 ? `${name} ${args.join(" ")}` : name;

// Rules ask for proc.cmdline many times per event; remember the last process's.
let lastProc: ProcessInfo | undefined;
let lastCmdline = "";
function procCmdline(p: ProcessInfo): string {
  if (p !== lastProc) {
    lastProc = p;
    lastCmdline = joinCmdline(p.name, p.args);
  }
  return lastCmdline;
}
const cmdline = joinCmdline;
const exePath = (p: { exe?: string; exePath?: string }): string | undefined =>
  p.exePath ?? (p.exe?.startsWith("/") ? p.exe : undefined);

/** Ancestor N: 0 is the process itself, 1 its parent, … */
function ancestor(p: ProcessInfo, n: number): (AncestorInfo & { exePath?: string }) | undefined {
  return n === 0 ? p : p.ancestors[n - 1];
}

function indexed(
  name: string,
  pick: (a: AncestorInfo & { exePath?: string }) => string | number | undefined,
): FieldDef {
  const isNumber = name.endsWith("pid");
  return {
    name,
    type: isNumber ? "number" : "string",
    arg: "optional-index",
    bind(arg): Extractor {
      if (arg === undefined) {
        // Without an index Falco matches any ancestor (not the process itself).
        return (e) => e.process.ancestors.map((a) => String(pick(a) ?? ""));
      }
      const n = Number(arg);
      return (e) => {
        const a = ancestor(e.process, n);
        return a ? pick(a) : undefined;
      };
    },
  };
}

const parent = (e: RuntimeEvent): AncestorInfo | undefined => e.process.ancestors[0];
const durationNs = (start: string | undefined, now: string): number | undefined =>
  start === undefined ? undefined : (Date.parse(now) - Date.parse(start)) * 1e6;

export const PROCESS_FIELDS: FieldDef[] = [
  plain("proc.name", "string", (e) => e.process.name),
  plain("proc.exe", "string", (e) => e.process.exe),
  plain("proc.exepath", "string", (e) => exePath(e.process)),
  plain("proc.args", "string", (e) => e.process.args.join(" ")),
  plain("proc.cmdline", "string", (e) => procCmdline(e.process)),
  plain("proc.cmdnargs", "number", (e) => e.process.args.length),
  plain("proc.pid", "number", (e) => e.process.pid),
  plain("proc.vpid", "number", (e) => e.process.vpid),
  plain("proc.ppid", "number", (e) => e.process.ppid),
  plain("proc.cwd", "string", (e) => e.process.cwd),
  plain("proc.tty", "number", (e) => e.process.tty ?? 0),
  plain("proc.env", "string", (e) => e.process.env?.join(" ")),
  plain("proc.duration", "number", (e) => durationNs(e.process.startTime, e.time)),
  plain("proc.pname", "string", (e) => parent(e)?.name),
  plain("proc.pexe", "string", (e) => parent(e)?.exe),
  plain("proc.pexepath", "string", (e) => {
    const p = parent(e);
    return p ? exePath(p) : undefined;
  }),
  plain("proc.pcmdline", "string", (e) => {
    const p = parent(e);
    return p ? cmdline(p.name, p.args) : undefined;
  }),
  plain("proc.is_exe_upper_layer", "bool", (e) => e.process.exeUpperLayer ?? false),
  plain("proc.exe_sha256", "string", (e) => e.process.exeSha256),
  plain("proc.is_exe_from_memfd", "bool", (e) => e.process.exeFromMemfd ?? false),
  // Bulwark extension: undefined (never matches) when no inventory of the image is known.
  plain("proc.exe_in_image", "bool", (e) => e.process.exeInImage),
  indexed("proc.aname", (a) => a.name),
  indexed("proc.aexe", (a) => a.exe),
  indexed("proc.aexepath", (a) => exePath(a)),
  indexed("proc.apid", (a) => a.pid),
  plain("thread.tid", "number", (e) => e.process.tid ?? e.process.pid),
  plain("thread.cap_effective", "string", (e) => e.process.capEffective?.join(" ")),
  plain("thread.cap_permitted", "string", (e) => e.process.capPermitted?.join(" ")),
  plain("user.uid", "number", (e) => e.process.uid),
  plain("user.name", "string", (e) => e.process.userName),
  // Falco shows an unset audit login uid (4294967295) as -1.
  plain("user.loginuid", "number", (e) => {
    const l = e.process.loginuid;
    return l === undefined || l === 4294967295 ? -1 : l;
  }),
  plain("group.gid", "number", (e) => e.process.gid),
];
