import type { Alert } from "../alert.js";

/** One alert destination. `send` must not throw; failures are counted in `errors`. */
export interface AlertOutput {
  readonly name: string;
  errors: number;
  send(alert: Alert): void;
  /** Waits for in-flight deliveries and releases sockets/files. */
  close(): Promise<void>;
}
