/**
 * Syslog, RFC 5424 messages over UDP (one datagram each) or TCP (octet-counted framing,
 * RFC 6587). Facility local0 unless told otherwise; severity from the rule priority.
 * Structured data carries rule, priority and container id; the message is the text line.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createConnection, type Socket } from "node:net";
import { hostname } from "node:os";
import { formatText, syslogSeverity, type Alert } from "../alert.js";
import type { AlertOutput } from "./types.js";

export interface SyslogOptions {
  host: string;
  port: number;
  protocol: "udp" | "tcp";
  facility?: number;
  appName?: string;
}

/** `hostname` is this machine's name (the HOSTNAME field), not the receiver's. */
export function rfc5424(a: Alert, o: { facility?: number; appName?: string; hostname?: string }): string {
  const pri = (o.facility ?? 16) * 8 + syslogSeverity(a.priority);
  const sd = `[bulwark@32473 rule="${sdEscape(a.rule)}" priority="${a.priority}" container="${sdEscape(a.container.id)}"]`;
  const host = (o.hostname ?? a.hostname ?? hostname()).replace(/[^\x21-\x7e]/g, "").slice(0, 255) || "-";
  return `<${pri}>1 ${a.time} ${host} ${o.appName ?? "bulwark"} ${process.pid} alert ${sd} ${formatText(a)}`;
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped inside PARAM-VALUE. */
function sdEscape(s: string): string {
  return s.replace(/["\\\]]/g, (c) => `\\${c}`);
}

export class SyslogOutput implements AlertOutput {
  readonly name: string;
  errors = 0;
  private udp?: UdpSocket;
  private tcp?: Socket;
  private pending = 0;

  constructor(private readonly o: SyslogOptions) {
    this.name = `syslog:${o.protocol}://${o.host}:${o.port}`;
  }

  send(alert: Alert): void {
    const msg = Buffer.from(rfc5424(alert, { facility: this.o.facility, appName: this.o.appName }));
    if (this.o.protocol === "udp") {
      this.udp ??= createSocket(this.o.host.includes(":") ? "udp6" : "udp4").on("error", () => this.errors++);
      this.pending++;
      this.udp.send(msg, this.o.port, this.o.host, (err) => {
        this.pending--;
        if (err) this.errors++;
      });
      return;
    }
    if (!this.tcp || this.tcp.destroyed) {
      this.tcp = createConnection({ host: this.o.host, port: this.o.port }).on("error", () => this.errors++);
    }
    this.tcp.write(Buffer.concat([Buffer.from(`${msg.length} `), msg]));
  }

  async close(): Promise<void> {
    while (this.pending > 0) await new Promise((r) => setTimeout(r, 5));
    this.udp?.close();
    if (this.tcp && !this.tcp.destroyed) await new Promise<void>((r) => this.tcp?.end(() => r()));
  }
}
