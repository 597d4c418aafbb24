/** Alerts as lines on a stream (stdout): JSON or text. */
import { formatAlert, type Alert, type AlertFormat } from "../alert.js";
import type { AlertOutput } from "./types.js";

export class StreamOutput implements AlertOutput {
  readonly name = "stdout";
  errors = 0;

  constructor(
    private readonly format: AlertFormat,
    private readonly write: (line: string) => void = (l) => process.stdout.write(l),
  ) {}

  send(alert: Alert): void {
    try {
      this.write(`${formatAlert(alert, this.format)}\n`);
    } catch {
      this.errors++;
    }
  }

  async close(): Promise<void> {}
}
