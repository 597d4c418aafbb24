/** Counters every sensor keeps; drops and parse errors are never silent (`runtime status`). */
export interface SensorStats {
  backend: "bpftrace" | "proc";
  /** True for the /proc polling fallback: it misses anything shorter than its interval. */
  lossy: boolean;
  startedAt: string;
  lines: number;
  events: number;
  /** Lines that were not valid sensor records (counted, skipped). */
  parseErrors: number;
  /** Records the kernel could not hand over (perf ring buffer full), as bpftrace reports them. */
  lost: number;
  /** The last line that failed to parse (cut to 200 chars), to say what went wrong. */
  lastParseError?: string;
  /** Probes this kernel does not offer (left out of the program). */
  skippedProbes: string[];
}

export function newStats(backend: SensorStats["backend"], skippedProbes: string[] = []): SensorStats {
  return {
    backend,
    lossy: backend === "proc",
    startedAt: new Date().toISOString(),
    lines: 0,
    events: 0,
    parseErrors: 0,
    lost: 0,
    skippedProbes,
  };
}
