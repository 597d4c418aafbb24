/**
 * `--output` specs of `runtime watch`: `stdout`, `file:PATH`, `webhook:URL`,
 * `slack:URL`, `syslog+udp://HOST:PORT`, `syslog+tcp://HOST:PORT`.
 */
import { RuntimeError } from "../errors.js";
import type { AlertFormat } from "./alert.js";
import { FileOutput } from "./outputs/file.js";
import { StreamOutput } from "./outputs/stream.js";
import { SyslogOutput } from "./outputs/syslog.js";
import type { AlertOutput } from "./outputs/types.js";
import { WebhookOutput } from "./outputs/webhook.js";

export function parseOutputSpec(spec: string, format: AlertFormat): AlertOutput {
  if (spec === "stdout") return new StreamOutput(format);
  if (spec.startsWith("file:") && spec.length > 5) return new FileOutput({ path: spec.slice(5), format });
  try {
    if (spec.startsWith("webhook:")) return new WebhookOutput({ url: spec.slice(8) });
    if (spec.startsWith("slack:")) return new WebhookOutput({ url: spec.slice(6), slack: true });
    const m = /^syslog\+(udp|tcp):\/\/(\[[0-9a-fA-F:]+\]|[^:/]+):(\d{1,5})$/.exec(spec);
    if (m?.[1] && m[2] && m[3] && Number(m[3]) <= 65535)
      return new SyslogOutput({
        protocol: m[1] as "udp" | "tcp",
        host: m[2].replace(/^\[|\]$/g, ""),
        port: Number(m[3]),
      });
  } catch (e) {
    throw new RuntimeError("USAGE", `--output ${spec}: ${(e as Error).message}`);
  }
  throw new RuntimeError(
    "USAGE",
    `--output: unknown output "${spec}" (expected stdout, file:PATH, webhook:URL, slack:URL, syslog+udp://HOST:PORT or syslog+tcp://HOST:PORT)`,
  );
}
