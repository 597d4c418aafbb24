/**
 * Coverage feedback for the fuzzer from V8's own block coverage (the inspector's precise
 * coverage), so no instrumenting build and no native addon is needed. After each input the
 * counters are taken and reset; a block counts as covered when its function ran and no
 * range reported with a zero count encloses it. V8 drops a nested block whose count equals
 * its parent's, so the blocks of a function are the union of every range ever reported
 * for it, and a block first reported late may have been covered before we knew it.
 */
import { Session } from "node:inspector";

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  ranges: Range[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

/** Scripts whose coverage guides the search: Bulwark's code and the libraries it calls. */
function guides(url: string): boolean {
  return (
    url.startsWith("file://") &&
    !url.includes("/fuzz/") &&
    !/\/node_modules\/(tsx|esbuild|get-tsconfig|vitest|@vitest|vite|tinypool)\//.test(url)
  );
}

export class Coverage {
  private readonly session = new Session();
  /** url:functionStart → the block ranges seen in that function, as "start-end". */
  private readonly blocks = new Map<string, Set<string>>();
  private readonly covered = new Set<string>();

  /** `counts` narrows which scripts count (tests); by default Bulwark's code and its libraries. */
  constructor(private readonly counts: (url: string) => boolean = guides) {
    this.session.connect();
    this.post("Profiler.enable");
    this.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
  }

  /** Blocks covered so far, over all inputs. */
  get total(): number {
    return this.covered.size;
  }

  /** Take (and reset) the counters; the number of blocks covered for the first time. */
  takeNew(): number {
    const { result } = this.post("Profiler.takePreciseCoverage") as { result: ScriptCoverage[] };
    let fresh = 0;
    for (const script of result) {
      if (!this.counts(script.url)) continue;
      for (const fn of script.functions) fresh += this.noteFunction(script.url, fn.ranges);
    }
    return fresh;
  }

  stop(): void {
    this.post("Profiler.stopPreciseCoverage");
    this.session.disconnect();
  }

  private noteFunction(url: string, ranges: Range[]): number {
    const whole = ranges[0];
    if (!whole || whole.count === 0) return 0;
    const key = `${url}:${whole.startOffset}`;
    let known = this.blocks.get(key);
    if (!known) this.blocks.set(key, (known = new Set()));
    for (const r of ranges) known.add(`${r.startOffset}-${r.endOffset}`);
    const holes = ranges.filter((r) => r.count === 0);
    let fresh = 0;
    for (const block of known) {
      const id = `${key}:${block}`;
      if (this.covered.has(id)) continue;
      const [s, e] = block.split("-").map(Number) as [number, number];
      if (holes.some((h) => h.startOffset <= s && e <= h.endOffset)) continue;
      this.covered.add(id);
      fresh++;
    }
    return fresh;
  }

  private post(method: string, params: object = {}): unknown {
    // An in-process inspector session answers synchronously.
    let out: unknown;
    let failure: Error | null = null;
    this.session.post(method, params, (err, res) => {
      failure = err;
      out = res;
    });
    if (failure) throw failure;
    return out;
  }
}
