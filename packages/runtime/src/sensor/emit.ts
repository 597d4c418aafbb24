/** How one sensor record is printed by the bpftrace program (the layout parse.ts reads). */

/** The common header after the kind letter: 9 numbers. */
const HEADER_FMT = "%llu\\t%d\\t%d\\t%d\\t%d\\t%d\\t%u\\t%llu\\t%u";
const HEADER_ARGS =
  "nsecs, pid, tid, curtask->real_parent->tgid, uid, gid, curtask->loginuid.val, cgroup, curtask->nsproxy->mnt_ns->ns.inum";

/**
 * One printf of a record: kind, header, numbers, comm, at most one string. bpftrace 0.17
 * sizes every printf's argument buffer on the 512-byte BPF stack like the largest printf
 * of the program, so a second string goes into a continuation record (see `more`).
 */
export function emit(kind: string, numbers: Array<[string, string]>, strings: string[] = []): string {
  if (strings.length > 1) throw new Error("one string per record; use more()");
  const fmt = [kind, HEADER_FMT, ...numbers.map(([f]) => f), "%s", ...strings.map(() => "%s")].join("\\t");
  const args = [HEADER_ARGS, ...numbers.map(([, a]) => a), "comm", ...strings];
  return `printf("${fmt}\\n", ${args.join(", ")});`;
}

/** Continuation record: lower-case kind, tid and one more string of the record just printed. */
export function more(kind: string, str: string): string {
  return `printf("${kind.toLowerCase()}\\t%d\\t%s\\n", tid, ${str});`;
}

export const ntohs = (x: string) => `((${x} >> 8) | ((${x} & 0xff) << 8))`;

/** Probes on one or more tracepoints sharing a predicate and a body. */
export interface Probe {
  tracepoints: string[];
  predicate?: string;
  body: string;
}
