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

/** Reads a file's bytes at most once however many analyzers ask, and remembers whether that failed. */
export class SharedContent {
  private pending: Promise<Buffer> | undefined;
  failure: unknown;

  constructor(private readonly load: () => Promise<Buffer>) {}

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
}

/** Analyzers interested in this file, by path and metadata only. */
export function interested(analyzers: readonly Analyzer[], path: string, meta: FileMeta): Analyzer[] {
  return analyzers.filter((a) => a.wants(path, { size: meta.size, mode: meta.mode }));
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
  const file: AnalyzerFile = { path, ...meta, read: () => content.read() };
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
