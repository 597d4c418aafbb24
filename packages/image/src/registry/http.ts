import type * as Http from "node:http";
import type { IncomingMessage } from "node:http";
import type * as Https from "node:https";
import type * as Tls from "node:tls";
import { createRequire } from "node:module";
import { BulwarkError, deadline, errorMessage } from "@bulwark/model";

export interface HttpResponse {
  status: number;
  headers: IncomingMessage["headers"];
  body: IncomingMessage;
}

export interface HttpOptions {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** Skip TLS certificate verification (--insecure and loopback registries). */
  skipTlsVerify?: boolean;
  /** Extra trusted CA certificates (PEM), beside the system store, e.g. a private registry CA. */
  ca?: string;
  /** Idle timeout: no bytes for this long fails the request with NETWORK. */
  timeoutMs: number;
}

/** Default idle timeout; BULWARK_REGISTRY_TIMEOUT_MS overrides it. */
export function defaultTimeoutMs(): number {
  return deadline("REGISTRY_IDLE_MS");
}

/**
 * Total time allowed for one blob: a floor (BULWARK_REGISTRY_TOTAL_MS, default 120 s) plus
 * the time its size takes at a minimum rate (BULWARK_REGISTRY_MIN_RATE bytes/s, default 64 KiB/s).
 */
export function totalDeadlineMs(size: number | undefined): number {
  const floor = deadline("REGISTRY_TOTAL_MS");
  const rate = deadline("REGISTRY_MIN_RATE");
  return Math.round(floor + ((size ?? 0) / rate) * 1000);
}

interface NetModules {
  "http:": typeof Http;
  "https:": typeof Https;
  tls: typeof Tls;
}
let loaded: NetModules | undefined;

// Loaded on the first request: node:http, node:https and node:tls cost about 10 ms to load,
// and most scans (an OCI layout, an archive, a directory) never reach a registry.
function netModules(): NetModules {
  const load = createRequire(import.meta.url);
  return (loaded ??= {
    "http:": load("node:http") as typeof Http,
    "https:": load("node:https") as typeof Https,
    tls: load("node:tls") as typeof Tls,
  });
}

/** TLS handshake failures that mean "this port speaks plain HTTP". */
export function isTlsProtocolError(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? "";
  return (
    code === "EPROTO" ||
    code.startsWith("ERR_SSL") ||
    /wrong version number|packet length too long/i.test(cause?.message ?? "")
  );
}

/**
 * One HTTP request with no automatic redirects (the client decides, per hop, whether
 * credentials may go along). Node's http/https rather than fetch, for per-request TLS
 * options and idle timeouts on streamed bodies.
 */
export function httpRequest(url: URL, opts: HttpOptions): Promise<HttpResponse> {
  const mod = url.protocol === "https:" || url.protocol === "http:" ? netModules()[url.protocol] : undefined;
  if (!mod)
    return Promise.reject(new BulwarkError("REGISTRY_ERROR", `unsupported URL scheme in ${url.href}`));
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: opts.method ?? "GET",
        headers: { "User-Agent": "bulwark", ...opts.headers },
        rejectUnauthorized: !opts.skipTlsVerify,
        ...(opts.ca ? { ca: [...netModules().tls.rootCertificates, opts.ca] } : {}),
      },
      (res) => {
        res.setTimeout(opts.timeoutMs, () =>
          res.destroy(new BulwarkError("NETWORK", `${url.host}: no data for ${opts.timeoutMs} ms`)),
        );
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      },
    );
    req.setTimeout(opts.timeoutMs, () =>
      req.destroy(new BulwarkError("NETWORK", `${url.host}: no response within ${opts.timeoutMs} ms`)),
    );
    req.on("error", (e) => {
      if (e instanceof BulwarkError) reject(e);
      else reject(new BulwarkError("NETWORK", `${url.host}: ${errorMessage(e)}`, undefined, { cause: e }));
    });
    req.end();
  });
}

/** Read a small response body (JSON, manifests) with a size limit. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const deadline = totalDeadlineMs(0);
  const timer = setTimeout(
    () => res.body.destroy(new BulwarkError("NETWORK", `${what}: not received within ${deadline} ms`)),
    deadline,
  );
  timer.unref();
  try {
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        res.body.destroy();
        throw new BulwarkError("REGISTRY_ERROR", `${what}: response larger than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError("NETWORK", `${what}: ${errorMessage(e)}`, undefined, { cause: e });
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

/** Discard a body we will not read, so the socket is released. */
export function discard(res: HttpResponse): void {
  res.body.resume();
}
