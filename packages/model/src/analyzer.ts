import type { OsInfo, Package } from "./package.js";

/** A file offered to an analyzer while its layer streams past. */
export interface AnalyzerFile {
  /** Absolute, normalised path inside the image ("/var/lib/dpkg/status"). */
  path: string;
  size: number;
  /** Permission and type bits as in tar (e.g. 0o104755 for a setuid file). */
  mode: number;
  uid: number;
  gid: number;
  /**
   * The file's bytes. Read it before `analyze` returns: the layer stream moves on
   * afterwards. Several analyzers that want one file share one buffer.
   */
  read(): Promise<Buffer>;
}

/** What one analyzer learned from one file; persisted in the per-layer cache as JSON. */
export interface AnalyzerOutput {
  packages?: Package[];
  os?: OsInfo;
  /** Files an OS package owns (dpkg info/*.list, apk R: lines, rpm file lists), for de-duplication. */
  ownedFiles?: { owner: string; files: string[] };
  /**
   * Same meaning as `ownedFiles`, for database files that list many packages at once
   * (apk `installed`, the rpmdb): one entry per owning OS package. Owner is the package name.
   */
  ownedFileSets?: Array<{ owner: string; files: string[] }>;
  /** Anything else a scanner wants to carry from the layer walk (secrets, file-mode facts). */
  facts?: Array<Record<string, unknown>>;
}

export interface Analyzer {
  /** Stable name, also the cache key part: "dpkg", "npm", "gobinary". */
  readonly name: string;
  /** Bump when the output for the same input changes; invalidates cached layer results. */
  readonly version: number;
  /** Cheap test on path and metadata only; content is read only for files some analyzer wants. */
  wants(path: string, info: { size: number; mode: number }): boolean;
  analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined>;
}

/** One analyzer result and the layer it came from. */
export interface Placed {
  layer: number;
  analyzer: string;
  path: string;
  output: AnalyzerOutput;
}
