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

/**
 * The largest range remembered for the next analyzer. ELF header tables and notes are well
 * under this; a database read in chunks (a 250 MB dpkg status, 4 MiB at a time) is not, and
 * remembering its chunks would hold the whole file after all.
 */
export const MEMO_RANGE_BYTES = 256 * 1024;

/** Reads a file's bytes at most once however many analyzers ask, and remembers whether that failed. */
export class SharedContent {
  private pending: Promise<Buffer> | undefined;
  /** Small ranges already read: analyzers of one executable ask for the same ELF headers. */
  private readonly ranges = new Map<string, Promise<Buffer>>();
  private rangeRead = false;
  failure: unknown;

  constructor(
    private readonly load: () => Promise<Buffer>,
    private readonly loadRange?: RangeLoader,
  ) {}

  /** Some bytes were read: the file cannot be read again from its stream. */
  get started(): boolean {
    return this.pending !== undefined || this.rangeRead;
  }

  /**
   * Content that arrives as a stream's pieces (a tar entry): ranges inside one piece are views,
   * not copies, and the whole file is joined only when an analyzer reads it whole.
   */
  static fromParts(loadParts: () => Promise<Buffer[]>): SharedContent {
    let parts: Promise<Buffer[]> | undefined;
    const get = () => (parts ??= loadParts());
    return new SharedContent(
      async () => {
        const p = await get();
        return p.length === 1 ? p[0]! : Buffer.concat(p);
      },
      async (offset, length) => sliceParts(await get(), offset, length),
    );
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
    this.rangeRead = true;
    const load = () =>
      loadRange(offset, length).catch((e: unknown) => {
        this.failure = e;
        throw e;
      });
    if (length > MEMO_RANGE_BYTES) return load();
    const key = `${offset}:${length}`;
    let range = this.ranges.get(key);
    if (!range) {
      range = load();
      this.ranges.set(key, range);
    }
    return range;
  }
}

/** `length` bytes at `offset` of the pieces' concatenation (fewer at its end), copied only across pieces. */
export function sliceParts(parts: readonly Buffer[], offset: number, length: number): Buffer {
  const pieces: Buffer[] = [];
  let start = Math.max(0, offset);
  let left = Math.max(0, length);
  for (const p of parts) {
    if (left === 0) break;
    if (start >= p.length) {
      start -= p.length;
      continue;
    }
    const piece = p.subarray(start, start + left);
    pieces.push(piece);
    left -= piece.length;
    start = 0;
  }
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
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
  diskPath?: string,
): Promise<void> {
  const file: AnalyzerFile = {
    path,
    ...meta,
    read: () => content.read(),
    readRange: (offset, length) => content.readRange(offset, length),
    layer: layerLabel,
  };
  if (diskPath !== undefined) file.diskPath = diskPath;
  const tooLarge: string[] = [];
  for (const analyzer of wanting) {
    if (analyzer.maxBytes !== undefined && meta.size > analyzer.maxBytes) {
      tooLarge.push(`${analyzer.name} (limit ${analyzer.maxBytes})`);
      continue;
    }
    try {
      const output = await analyzer.analyze(file);
      if (output) into.results.push({ analyzer: analyzer.name, path, output });
    } catch (e) {
      if (content.failure !== undefined) throw content.failure;
      const code = e instanceof BulwarkError ? e.code : "PARSE";
      into.issues.push({ path, code, message: `${analyzer.name}: ${errorMessage(e)}`, layer: layerLabel });
    }
  }
  if (tooLarge.length)
    into.issues.push({
      path,
      code: "FILE_TOO_LARGE",
      message: `${meta.size} bytes, not read by ${tooLarge.join(", ")}`,
      layer: layerLabel,
    });
  if (content.failure !== undefined) throw content.failure;
}

/**
 * The end of a layer's walk: analyzers that batch work over the layer add their results.
 * A failure is that analyzer's issue on the layer; the other analyzers' results stand.
 */
export async function finishLayer(
  analyzers: readonly Analyzer[],
  layerLabel: string,
  into: Pick<LayerAnalysis, "results" | "issues">,
): Promise<void> {
  for (const analyzer of analyzers) {
    if (!analyzer.finishLayer) continue;
    try {
      for (const r of await analyzer.finishLayer(layerLabel))
        into.results.push({ analyzer: analyzer.name, path: r.path, output: r.output });
    } catch (e) {
      const code = e instanceof BulwarkError ? e.code : "PARSE";
      into.issues.push({
        path: "/",
        code,
        message: `${analyzer.name}: ${errorMessage(e)}`,
        layer: layerLabel,
      });
    }
  }
}
