import type { LayerAnalysis, Placed } from "@bulwark/model";

/** "/a/b/c" → ["/a/b", "/a"]: the proper ancestors, nearest first. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) out.push(path.slice(0, i));
  return out;
}

/** Per-layer sets for the questions the merge asks many times. */
export class LayerStack {
  private readonly paths: Array<Set<string>>;
  private readonly whiteouts: Array<Set<string>>;
  private readonly opaque: Array<Set<string>>;

  constructor(readonly layers: LayerAnalysis[]) {
    this.paths = layers.map((l) => new Set(l.paths));
    this.whiteouts = layers.map((l) => new Set(l.whiteouts));
    this.opaque = layers.map((l) => new Set(l.opaqueDirs));
  }

  get length(): number {
    return this.layers.length;
  }

  /** Layer `j` holds its own version of `path`. */
  adds(j: number, path: string): boolean {
    return this.paths[j]?.has(path) ?? false;
  }

  /** Layer `j` deletes `path` from the layers below: a whiteout of it or a parent, or an opaque parent. */
  deletes(j: number, path: string): boolean {
    const wh = this.whiteouts[j];
    const op = this.opaque[j];
    if (wh?.has(path)) return true;
    for (const dir of ancestors(path)) if (wh?.has(dir) || op?.has(dir)) return true;
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
