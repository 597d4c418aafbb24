import type { Analyzer, AnalyzerOutput } from "./analyzer.js";
import type { FileIssue } from "./errors.js";
import type { Finding, Suppressed } from "./finding.js";
import type { Image } from "./image.js";
import type { Inventory } from "./package.js";
import type { ScanOptions } from "./scan-options.js";

/** The walk of one layer: what analyzers said, what the layer deleted, what it contains. */
export interface LayerAnalysis {
  index: number;
  digest?: string;
  diffId?: string;
  createdBy?: string;
  /** Every analyzer output with the file it came from. */
  results: Array<{ analyzer: string; path: string; output: AnalyzerOutput }>;
  /** Absolute paths this layer deletes (whiteouts) and directories it makes opaque. */
  whiteouts: string[];
  opaqueDirs: string[];
  /** Absolute paths of every entry the layer adds or replaces. */
  paths: string[];
  issues: FileIssue[];
}

/** Everything scanners get after one walk of an image. */
export interface ImageScanInput {
  image: Image;
  inventory: Inventory;
  layers: LayerAnalysis[];
}

export interface ScanResult {
  findings: Finding[];
  suppressed?: Suppressed[];
  issues?: FileIssue[];
  warnings?: string[];
  /** Scanner-specific summary fields merged into report.summary (e.g. fixable counts). */
  summary?: Record<string, unknown>;
  /**
   * Summary fields that depend on which findings survive every suppression (the compliance
   * view). The orchestrator calls it after the ignore file and VEX with the findings nothing
   * suppressed (before --severity/--ignore-unfixed narrow the listing) and every suppression;
   * what it returns replaces the same fields of `summary`.
   */
  finalSummary?(final: FinalFindings): Record<string, unknown>;
}

/** What survives all suppressions of one scan, for ScanResult.finalSummary. */
export interface FinalFindings {
  findings: readonly Finding[];
  suppressed: readonly Suppressed[];
}

export type ScannerName = "vuln" | "misconfig" | "secret" | "malware";

/**
 * A scanner turns a target into findings. Image scanners add analyzers to the one
 * layer walk (so an image is read once whatever scanners run) and then read its results.
 */
export interface Scanner<Options = ScanOptions> {
  name: ScannerName;
  /** What it looks for, in messages: "vulnerability", "secret". */
  label: string;
  /**
   * Checks run before any target is read, so a missing prerequisite (the vulnerability
   * database) fails in a second rather than after a long image walk. Throws BulwarkError.
   */
  preflight?(options: Options): void;
  /** Analyzers this scanner needs during the image layer walk (beyond the package catalogers). */
  analyzers?(options: Options): Analyzer[];
  scanImage?(input: ImageScanInput, options: Options): Promise<ScanResult>;
  /**
   * Scan a file or directory tree on disk (`scan fs`, `scan config`). A scanner without it
   * that has scanImage gets a directory walked as a root filesystem by the pipeline instead.
   */
  scanPath?(path: string, options: Options): Promise<ScanResult>;
  /** Scan a node's configuration under ROOT (`scan host`); read only. */
  scanHost?(root: string, options: Options): Promise<ScanResult>;
}
