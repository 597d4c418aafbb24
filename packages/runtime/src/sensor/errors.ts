import { BulwarkError, ExitCode } from "../deps.js";

export type SensorErrorCode = "SENSOR_UNAVAILABLE" | "SENSOR_NOT_PERMITTED" | "SENSOR_FAILED";

/** The kernel sensor cannot run: bpftrace missing, not permitted, or it failed to load. Exit 2. */
export class SensorError extends BulwarkError<SensorErrorCode> {
  constructor(code: SensorErrorCode, message: string) {
    super(code, message, ExitCode.error);
  }
}
