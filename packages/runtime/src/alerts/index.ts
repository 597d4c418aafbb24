export { toAlert, formatAlert, formatText, syslogSeverity, type Alert, type AlertFormat } from "./alert.js";
export { AlertLimiter, type LimiterOptions, type LimitDecision } from "./limiter.js";
export { AlertSink } from "./sink.js";
export { StreamOutput } from "./outputs/stream.js";
export { FileOutput, type FileOutputOptions } from "./outputs/file.js";
export { WebhookOutput, type WebhookOptions } from "./outputs/webhook.js";
export { SyslogOutput, rfc5424, type SyslogOptions } from "./outputs/syslog.js";
export type { AlertOutput } from "./outputs/types.js";
export { parseOutputSpec } from "./spec.js";
