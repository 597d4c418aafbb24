import type { Severity } from "../findings/types.js";

/** Options of `bulwark scan …`, parsed once by the CLI and handed to every scanner. */
export interface ScanOptions {
  cacheDir: string;
  scanners: string[];
  severities?: Severity[];
  /** vuln */
  ignoreUnfixed?: boolean;
  vexFiles?: string[];
  dbSource?: string;
  /** secret: extra rules file, rule ids to disable, baseline of fingerprints to suppress */
  secretConfig?: string;
  disableRules?: string[];
  baseline?: string;
  /** secret/misconfig tree walks: include vendored/generated noise normally skipped */
  includeNoise?: boolean;
  /** misconfig */
  compliance?: string;
  allowedRegistries?: string[];
  /** image targets */
  platform?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
  dockerConfig?: string;
  /** Progress lines to stderr. */
  progress?: (message: string) => void;
}
