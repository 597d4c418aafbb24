/**
 * The audit webhook receiver: the API server's webhook backend POSTs `EventList`s
 * (audit.k8s.io/v1) to it. HTTPS when given a certificate and key; plain HTTP only on a
 * loopback address. A body above MAX_AUDIT_BODY is refused (413) without being buffered;
 * a body that is not an audit payload is refused (400) with one line naming why.
 */
import { readFileSync } from "node:fs";
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import type { AuditEvent } from "../events/audit.js";
import { RuntimeError } from "../errors.js";
import { MAX_AUDIT_BODY, parseAuditPayload } from "./parse.js";

export interface AuditReceiverOptions {
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  maxBody?: number;
  onEvents(events: AuditEvent[]): void;
  /** Told about every refused request or rejected item (one line each). */
  onProblem?(message: string): void;
}

export interface AuditReceiver {
  url: string;
  close(): Promise<void>;
}

export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);

export async function startAuditReceiver(o: AuditReceiverOptions): Promise<AuditReceiver> {
  if (!o.tls && !isLoopback(o.host))
    throw new RuntimeError(
      "USAGE",
      `plain HTTP only on loopback; give --tls-cert and --tls-key to listen on ${o.host}`,
    );
  const handler = (req: IncomingMessage, res: ServerResponse): void => handle(req, res, o);
  let server: Server;
  try {
    server = o.tls
      ? createHttps({ cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) }, handler)
      : createHttp(handler);
  } catch (e) {
    throw new RuntimeError("USAGE", `TLS certificate or key unusable: ${(e as Error).message}`);
  }
  await new Promise<void>((ok, fail) => {
    server.once("error", (e) =>
      fail(new RuntimeError("USAGE", `cannot listen on ${o.host}:${o.port}: ${e.message}`)),
    );
    server.listen(o.port, o.host, ok);
  });
  const a = server.address() as AddressInfo;
  const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return {
    url: `${o.tls ? "https" : "http"}://${host}:${a.port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, {
    "content-type": "application/json",
    connection: code >= 400 ? "close" : "keep-alive",
  });
  res.end(`${JSON.stringify(code < 300 ? { status: "ok" } : { error: message })}\n`);
}

function handle(req: IncomingMessage, res: ServerResponse, o: AuditReceiverOptions): void {
  const problem = (code: number, msg: string): void => {
    o.onProblem?.(`audit webhook: ${msg}`);
    reply(res, code, msg);
  };
  if (req.method !== "POST") return problem(405, `${req.method} not allowed, POST an EventList`);
  const max = o.maxBody ?? MAX_AUDIT_BODY;
  if (Number(req.headers["content-length"] ?? 0) > max) {
    problem(413, `payload larger than ${max} bytes`);
    return void req.destroy();
  }
  const parts: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > max) {
      refused = true;
      problem(413, `payload larger than ${max} bytes`);
      req.destroy();
    } else parts.push(c);
  });
  req.on("error", () => undefined);
  req.on("end", () => {
    if (refused) return;
    const r = parseAuditPayload(Buffer.concat(parts).toString("utf8"));
    if (!r.ok) return problem(400, r.reason);
    for (const why of r.rejected) o.onProblem?.(`audit webhook: ${why}`);
    if (r.events.length) o.onEvents(r.events);
    reply(res, 200, "");
  });
}
