import type { Severity } from "./finding.js";
import type { OsInfo, Package, PackageType } from "./package.js";

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
  /**
   * Up to `length` bytes from `offset` (fewer at the end of the file). From an unpacked root
   * filesystem only those bytes are read from disk; inside a layer it is a view of `read()`.
   * For analyzers that need a few headers of large files (executables).
   */
  readRange(offset: number, length: number): Promise<Buffer>;
  /** The walk's label of the layer the file is in (its digest, or "rootfs"). */
  layer?: string;
  /**
   * Where the file lies on disk, when the walk reads an unpacked root filesystem. Analyzers that
   * hand files to an external program use it instead of writing a copy.
   */
  diskPath?: string;
}

/** The files one OS package lists as its own. */
export interface OwnedFiles {
  owner: string;
  files: string[];
  /**
   * Whether `files` holds the absolute `path`, answered without reading `files`, where the list
   * can do that: a cached layer's lists are parsed only when first read, and the owner check
   * asks about a few paths in lists of tens of thousands. Absent: search `files`.
   */
  has?(path: string): boolean;
}

/** What one analyzer learned from one file; persisted in the per-layer cache as JSON. */
export interface AnalyzerOutput {
  packages?: Package[];
  os?: OsInfo;
  /** Files an OS package owns (dpkg info/*.list, apk R: lines, rpm file lists), for de-duplication. */
  ownedFiles?: OwnedFiles;
  /**
   * Same meaning as `ownedFiles`, for database files that list many packages at once
   * (apk `installed`, the rpmdb): one entry per owning OS package. Owner is the package name.
   */
  ownedFileSets?: OwnedFiles[];
  /** Licenses an OS package database lacks, read from the package's copyright file (dpkg). */
  licenses?: PackageLicenses[];
  /** Notes on a lockfile (unpinned, unresolved, an include not followed), reported as issues. */
  lockfileNotes?: LockfileNote[];
  /** File-mode and account facts for the image misconfiguration checks. */
  fsFacts?: FsFact[];
  /** Redacted secret matches for the secret scanner. */
  secretHits?: SecretHit[];
  /** Malicious-content rule matches for the malware scanner. */
  malwareHits?: MalwareHit[];
}

/** One malicious-content match of one file (the malware scanner's rules). */
export interface MalwareHit {
  ruleId: string;
  title: string;
  severity: Severity;
  category: string;
  mitre: string[];
  engine: "yara" | "hash";
  /** sha256 hex of the file. */
  sha256: string;
}

export interface PackageLicenses {
  type: PackageType;
  package: string;
  licenses: string[];
}

export interface LockfileNote {
  /** The lockfile. */
  path: string;
  code: string;
  message: string;
  /** For an include that was not followed: the included path, relative to the lockfile. */
  target?: string;
}

/** A file-mode or account fact seen during the layer walk (image misconfiguration checks). */
export type FsFact =
  | { type: "setuid"; path: string; mode: number }
  | { type: "world-writable"; path: string; mode: number }
  | { type: "sshd"; path: string }
  | { type: "passwd"; path: string; uid0: Array<{ name: string; line: number }> }
  | { type: "shadow"; path: string; empty: Array<{ name: string; line: number }> };

/** How a secret rule recognised its match: near its provider's keyword, or by its own shape. */
export type Detection = "keyword-context" | "structural";

/** One redacted secret match in a file (the secret scanner's rules). */
export interface SecretHit {
  ruleId: string;
  title: string;
  severity: Severity;
  detection: Detection;
  /** 1-based. */
  line: number;
  /** Redacted match. */
  match: string;
  /** sha256 hex of the secret. */
  secretHash: string;
  /** Set when an inline `bulwark:allow` comment sits on the line. */
  allowed?: string;
}

export interface Analyzer {
  /** Stable name, also the cache key part: "dpkg", "npm", "gobinary". */
  readonly name: string;
  /** Bump when the output for the same input changes; invalidates cached layer results. */
  readonly version: number;
  /** Cheap test on path and metadata only; content is read only for files some analyzer wants. */
  wants(path: string, info: { size: number; mode: number }): boolean;
  /**
   * Files it wants but larger than this are not read: the walker records a FILE_TOO_LARGE
   * issue naming the analyzer. (A size test in `wants` would skip them in silence, and a
   * padded file would hide what it holds.)
   */
  readonly maxBytes?: number;
  analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined>;
  /**
   * Called once when the walk of a layer (label as in AnalyzerFile.layer) has offered every file:
   * analyzers that batch work over a layer (one external process for many files) return their
   * per-file results here. A throw becomes a layer issue.
   */
  finishLayer?(layer: string): Promise<Array<{ path: string; output: AnalyzerOutput }>>;
}

/** One analyzer result and the layer it came from. */
export interface Placed {
  layer: number;
  analyzer: string;
  path: string;
  output: AnalyzerOutput;
}
