/**
 * Typed errors with stable codes. The CLI maps every BulwarkError to one line on
 * stderr and its exit code; anything else is a bug and is shown with --debug only.
 */
export const ExitCode = {
  ok: 0,
  /** `--fail-on` matched: findings at or above the threshold remain. */
  findings: 1,
  /** Bad input, unreadable target, corrupt data, network failure: the command could not do its job. */
  error: 2,
} as const;

export type ErrorCode =
  | "USAGE"
  | "TARGET_UNKNOWN"
  | "TARGET_NOT_FOUND"
  | "MANIFEST_MISSING"
  | "MANIFEST_INVALID"
  | "PLATFORM_NOT_FOUND"
  | "LAYER_CORRUPT"
  | "LAYER_TOO_LARGE"
  | "DIGEST_MISMATCH"
  | "UNSAFE_PATH"
  | "REGISTRY_AUTH"
  | "REGISTRY_ERROR"
  | "NETWORK"
  | "DB_MISSING"
  | "DB_CORRUPT"
  | "DB_SOURCE"
  | "FEED_INVALID"
  | "PARSE"
  | "FILE_TOO_LARGE"
  | "CONFIG_INVALID"
  | "IO"
  | "TOOL_MISSING"
  | "UNSUPPORTED"
  /** A worker thread of a scan died or failed to start. */
  | "WORKER_FAILED";

/**
 * The base of every typed error. Subsystems (runtime, vault, server, …) declare their
 * own code unions as `BulwarkError<TheirCode>`; the CLI maps any of them to one line.
 */
export class BulwarkError<Code extends string = ErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly exitCode: number = ExitCode.error,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "BulwarkError";
  }
}

export function isBulwarkError(e: unknown): e is BulwarkError {
  return e instanceof BulwarkError;
}

/** A problem with one file that was recorded and skipped; it never aborts a scan. */
export interface FileIssue {
  path: string;
  code: ErrorCode;
  message: string;
  layer?: string;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
