import type { LayerAnalysis, Placed } from "@bulwark/model";

/** "/a/b/c" → ["/a/b", "/a"]: the proper ancestors, nearest first. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) out.push(path.slice(0, i));
  return out;
}

/**
 * Per-layer sets for the questions the merge asks many times, each built on first use: only
 * layers above another are asked, so a one-layer image (or a rootfs) builds none — its path
 * list is tens of thousands of entries.
 */
export class LayerStack {
  private readonly paths: Array<Set<string> | undefined> = [];
  private readonly whiteouts: Array<Set<string> | undefined> = [];
  private readonly opaque: Array<Set<string> | undefined> = [];

  constructor(readonly layers: LayerAnalysis[]) {}

  get length(): number {
    return this.layers.length;
  }

  /** Layer `j` holds its own version of `path`. */
  adds(j: number, path: string): boolean {
    return (this.paths[j] ??= new Set(this.layers[j]?.paths)).has(path);
  }

  /** Layer `j` deletes `path` from the layers below: a whiteout of it or a parent, or an opaque parent. */
  deletes(j: number, path: string): boolean {
    const wh = (this.whiteouts[j] ??= new Set(this.layers[j]?.whiteouts));
    const op = (this.opaque[j] ??= new Set(this.layers[j]?.opaqueDirs));
    if (wh.has(path)) return true;
    for (const dir of ancestors(path)) if (wh.has(dir) || op.has(dir)) return true;
    return false;
  }

  /** Some layer above `i` replaces or deletes `path`. */
  shadowedAbove(i: number, path: string): boolean {
    for (let j = i + 1; j < this.layers.length; j++)
      if (this.adds(j, path) || this.deletes(j, path)) return true;
    return false;
  }

  /** Every result in the final filesystem: the last version of each file, unless deleted later. */
  survivors(): Placed[] {
    const out: Placed[] = [];
    this.layers.forEach((l, i) => {
      for (const r of l.results) {
        if (!this.shadowedAbove(i, r.path))
          out.push({ layer: i, analyzer: r.analyzer, path: r.path, output: r.output });
      }
    });
    return out;
  }
}
