import { BulwarkError, ExitCode } from "./deps.js";

export type RuntimeErrorCode =
  | "USAGE"
  | "RULES_INVALID"
  | "RULES_UNREADABLE"
  | "EVENTS_UNREADABLE"
  | "EVENTS_INVALID"
  | "BASELINE_INVALID"
  | "BASELINE_NOT_FOUND"
  | "RESPONSE_FAILED"
  | "RESPONSES_INVALID"
  | "ATTEST_FAILED";

/** Typed errors of the runtime package; the CLI prints them as one line, exit 2. */
export class RuntimeError extends BulwarkError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.error, options);
    this.name = "RuntimeError";
  }
}
