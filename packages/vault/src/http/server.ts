/**
 * The Vault-compatible HTTP API: `/v1/<path>`, token in `X-Vault-Token` (or
 * `Authorization: Bearer`), JSON bodies, `{"errors": [...]}` on failure.
 */
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { VaultCore } from "../core.js";
import type { VaultMethod, VaultRequest } from "../types.js";
import { parseDuration } from "../util.js";
import { rewritingConnection } from "./list-method.js";

/** Largest accepted request body; Vault's default is 32 MiB, ours is smaller on purpose. */
export const MAX_BODY_BYTES = 1024 * 1024;

const METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH"]);

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status, { "Cache-Control": "no-store" }).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      "Cache-Control": "no-store",
    })
    .end(text);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY_BYTES) return "too-large";
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

function wrapTtlOf(req: http.IncomingMessage): number | undefined {
  const h = req.headers["x-vault-wrap-ttl"];
  if (typeof h !== "string" || h === "") return undefined;
  try {
    return parseDuration(h, "X-Vault-Wrap-TTL");
  } catch {
    return -1; // refused by the core with a Vault-style error
  }
}

export function tokenOf(req: http.IncomingMessage): string | undefined {
  const h = req.headers["x-vault-token"];
  if (typeof h === "string" && h) return h;
  const auth = req.headers.authorization;
  return auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
}

async function onRequest(
  core: VaultCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://vault");
  // the raw path, because URL() would resolve "a/../b" and hide a traversal attempt
  const rawPath = (req.url ?? "/").split("?")[0]!;
  if (!rawPath.startsWith("/v1/")) return send(res, 404, { errors: [] });
  const listFlag =
    req.headers["x-bulwark-list"] === "1" || ["true", "1"].includes(url.searchParams.get("list") ?? "");
  const raw = req.method ?? "GET";
  if (!METHODS.has(raw)) return send(res, 405, { errors: [`unsupported method ${raw}`] });
  const method: VaultMethod = raw === "GET" && listFlag ? "LIST" : (raw as VaultMethod);
  const data = await readBody(req);
  if (data === "too-large") {
    res.setHeader("Connection", "close");
    return send(res, 413, { errors: [`request body too large (limit ${MAX_BODY_BYTES} bytes)`] });
  }
  let body: Record<string, unknown> = {};
  if (data.length > 0) {
    try {
      const parsed: unknown = JSON.parse(data.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not a JSON object");
      body = parsed as Record<string, unknown>;
    } catch (e) {
      return send(res, 400, { errors: [`failed to parse JSON input: ${(e as Error).message}`] });
    }
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath.slice(4));
  } catch {
    return send(res, 400, { errors: ["invalid path encoding"] });
  }
  const vreq: VaultRequest = {
    method,
    path,
    query: url.searchParams,
    body,
    token: tokenOf(req),
    wrapTtl: wrapTtlOf(req),
    remote: `${req.socket.remoteAddress ?? "?"}`,
    contentType: req.headers["content-type"],
  };
  const out = await core.handle(vreq);
  send(res, out.status, out.body);
}

export interface VaultHttpServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free port). Loopback is the default bind. */
export async function startHttp(
  core: VaultCore,
  host = "127.0.0.1",
  port = 0,
  tlsFiles?: { cert: Buffer; key: Buffer },
): Promise<VaultHttpServer> {
  const httpServer = http.createServer((req, res) => {
    onRequest(core, req, res).catch((e: unknown) => {
      process.stderr.write(`vault http: ${String(e)}\n`);
      if (!res.headersSent) send(res, 500, { errors: ["internal error"] });
    });
  });
  httpServer.keepAliveTimeout = 30_000;
  const sockets = new Set<net.Socket>();
  const accept = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    httpServer.emit("connection", rewritingConnection(socket));
  };
  const front = tlsFiles
    ? tls.createServer({ cert: tlsFiles.cert, key: tlsFiles.key }, accept)
    : net.createServer(accept);
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(port, host, () => resolve());
  });
  const addr = front.address() as net.AddressInfo;
  return {
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        front.close(() => resolve());
        httpServer.closeIdleConnections();
        // drain: idle keep-alive connections close now, busy ones after their response
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 2000).unref();
      }),
  };
}
