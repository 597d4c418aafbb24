import type { Severity } from "./finding.js";
import type { OpenImageOptions } from "./image.js";

/**
 * Options of `bulwark scan …`, parsed once by the CLI and handed to every scanner;
 * the image-access part (cache dir, platform, credentials) is openImage's own.
 */
export interface ScanOptions extends OpenImageOptions {
  scanners: string[];
  severities?: Severity[];
  /** vuln */
  ignoreUnfixed?: boolean;
  vexFiles?: string[];
  /** secret: extra rules file, rule ids to disable, baseline of fingerprints to suppress */
  secretConfig?: string;
  disableRules?: string[];
  baseline?: string;
  /** secret/misconfig tree walks: include vendored/generated noise normally skipped */
  includeNoise?: boolean;
  /** secret tree walks: worker threads (1 = the main thread only); default: two once a tree passes 32 MiB */
  threads?: number;
  /** vuln: leave out dev/test dependencies that lockfiles mark as such */
  skipDev?: boolean;
  /** malware: YARA rule files added to the built-in rules, and a list of known-bad sha256 hashes */
  malwareRules?: string[];
  malwareHashes?: string;
  /** misconfig */
  compliance?: string;
  allowedRegistries?: string[];
  /** Progress lines to stderr. */
  progress?: (message: string) => void;
}
