import { BulwarkError } from "./deps.js";

export type ServerErrorCode =
  | "USAGE"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "CSRF"
  | "RATE_LIMITED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_REPORT"
  | "UPLOAD_FAILED"
  | "NATS_UNAVAILABLE";

const STATUS: Record<ServerErrorCode, number> = {
  USAGE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_REPORT: 400,
  UPLOAD_FAILED: 502,
  NATS_UNAVAILABLE: 503,
};

/** An error with a stable code; the API answers `{ error: code, message }` with its HTTP status. */
export class ServerError extends BulwarkError<ServerErrorCode> {
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
    this.name = "ServerError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}
