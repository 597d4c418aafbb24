/**
 * HTTP webhook: each alert POSTed as JSON; `slack` posts Slack's incoming-webhook shape
 * (`{"text": …}`), which Slack, Mattermost and Rocket.Chat accept. Deliveries run in the
 * background with a bounded queue: when the receiver is slower than the alert rate the
 * oldest queued alerts are dropped and counted, never buffered without limit.
 */
import { formatText, type Alert } from "../alert.js";
import type { AlertOutput } from "./types.js";

export interface WebhookOptions {
  url: string;
  slack?: boolean;
  timeoutMs?: number;
  maxQueue?: number;
  headers?: Record<string, string>;
}

export class WebhookOutput implements AlertOutput {
  readonly name: string;
  errors = 0;
  dropped = 0;
  delivered = 0;
  private readonly queue: string[] = [];
  private running?: Promise<void>;

  constructor(private readonly o: WebhookOptions) {
    const u = new URL(o.url);
    if (u.protocol !== "http:" && u.protocol !== "https:")
      throw new Error(`webhook URL must be http(s): ${o.url}`);
    this.name = `${o.slack ? "slack" : "webhook"}:${u.host}`;
  }

  send(alert: Alert): void {
    const body = this.o.slack ? JSON.stringify({ text: formatText(alert) }) : JSON.stringify(alert);
    if (this.queue.length >= (this.o.maxQueue ?? 1000)) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(body);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    for (let body = this.queue.shift(); body !== undefined; body = this.queue.shift()) {
      try {
        const res = await fetch(this.o.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...this.o.headers },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
        });
        await res.arrayBuffer();
        if (res.ok) this.delivered++;
        else this.errors++;
      } catch {
        this.errors++;
      }
    }
  }

  async close(): Promise<void> {
    while (this.running) await this.running;
  }
}
