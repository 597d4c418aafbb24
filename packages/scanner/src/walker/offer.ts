import {
  type Analyzer,
  type AnalyzerFile,
  BulwarkError,
  errorMessage,
  type LayerAnalysis,
} from "@bulwark/model";

export interface FileMeta {
  size: number;
  mode: number;
  uid: number;
  gid: number;
}

/** Reads part of a file without reading the rest; absent where the bytes only stream past. */
export type RangeLoader = (offset: number, length: number) => Promise<Buffer>;

/** Reads a file's bytes at most once however many analyzers ask, and remembers whether that failed. */
export class SharedContent {
  private pending: Promise<Buffer> | undefined;
  /** Ranges already read: analyzers of one executable ask for the same ELF headers. */
  private readonly ranges = new Map<string, Promise<Buffer>>();
  failure: unknown;

  constructor(
    private readonly load: () => Promise<Buffer>,
    private readonly loadRange?: RangeLoader,
  ) {}

  get started(): boolean {
    return this.pending !== undefined;
  }

  read(): Promise<Buffer> {
    this.pending ??= this.load().catch((e: unknown) => {
      this.failure = e;
      throw e;
    });
    return this.pending;
  }

  async readRange(offset: number, length: number): Promise<Buffer> {
    const loadRange = this.loadRange;
    if (this.pending || !loadRange) return (await this.read()).subarray(offset, offset + length);
    const key = `${offset}:${length}`;
    let range = this.ranges.get(key);
    if (!range) {
      range = loadRange(offset, length).catch((e: unknown) => {
        this.failure = e;
        throw e;
      });
      this.ranges.set(key, range);
    }
    return range;
  }
}

/** Analyzers interested in this file, by path and metadata only. */
export function interested(analyzers: readonly Analyzer[], path: string, meta: FileMeta): Analyzer[] {
  // A plain loop over meta itself: this runs for every file of every layer.
  const wanting: Analyzer[] = [];
  for (const a of analyzers) if (a.wants(path, meta)) wanting.push(a);
  return wanting;
}

/**
 * Give one file to the analyzers that want it, one after another, sharing its bytes.
 * An analyzer's exception becomes a FileIssue; a failure to read the bytes themselves
 * is the layer's fault and is rethrown.
 */
export async function offerFile(
  wanting: Analyzer[],
  path: string,
  meta: FileMeta,
  content: SharedContent,
  layerLabel: string,
  into: Pick<LayerAnalysis, "results" | "issues">,
): Promise<void> {
  const file: AnalyzerFile = {
    path,
    ...meta,
    read: () => content.read(),
    readRange: (offset, length) => content.readRange(offset, length),
  };
  for (const analyzer of wanting) {
    try {
      const output = await analyzer.analyze(file);
      if (output) into.results.push({ analyzer: analyzer.name, path, output });
    } catch (e) {
      if (content.failure !== undefined) throw content.failure;
      const code = e instanceof BulwarkError ? e.code : "PARSE";
      into.issues.push({ path, code, message: `${analyzer.name}: ${errorMessage(e)}`, layer: layerLabel });
    }
  }
  if (content.failure !== undefined) throw content.failure;
}
