import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { BulwarkError, errorMessage } from "./deps.js";

export type ServiceErrorCode = "LISTEN_INVALID" | "LISTEN_INSECURE" | "TLS_INVALID";

export class ServiceError extends BulwarkError<ServiceErrorCode> {
  constructor(code: ServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
    this.name = "ServiceError";
  }
}

export interface ListenAddress {
  host: string;
  port: number;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Parses `HOST:PORT`, `[V6]:PORT`, `:PORT` or `PORT`. A missing host is 127.0.0.1: services
 * bind loopback unless told otherwise.
 */
export function parseListen(addr: string, defaultPort: number): ListenAddress {
  const text = addr.trim();
  let host = "127.0.0.1";
  let portText = text;
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(text);
  if (v6) {
    host = v6[1] as string;
    portText = v6[2] ?? "";
  } else if (text.includes(":")) {
    const i = text.lastIndexOf(":");
    host = text.slice(0, i) || host;
    portText = text.slice(i + 1);
  } else if (text !== "" && !/^\d+$/.test(text)) {
    host = text;
    portText = "";
  }
  const port = portText === "" ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !/^\d*$/.test(portText)) {
    throw new ServiceError("LISTEN_INVALID", `listen address ${JSON.stringify(addr)}: port must be 0-65535`);
  }
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) {
    throw new ServiceError("LISTEN_INVALID", `listen address ${JSON.stringify(addr)}: not a host name or IP`);
  }
  return { host, port };
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/**
 * Refuses a non-loopback address without TLS unless `allowInsecure` (the operator said so
 * explicitly, e.g. behind a TLS-terminating proxy).
 */
export function checkListenSecurity(
  addr: ListenAddress,
  opts: { tls: boolean; allowInsecure?: boolean },
): void {
  if (opts.tls || opts.allowInsecure || isLoopback(addr.host)) return;
  throw new ServiceError(
    "LISTEN_INSECURE",
    `refusing to listen on non-loopback ${addr.host} without TLS (give --tls-cert/--tls-key, or --insecure-listen to allow it)`,
  );
}

/** Reads a PEM certificate and key; both or neither. */
export function loadTls(certPath?: string, keyPath?: string): TlsFiles | undefined {
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) throw new ServiceError("TLS_INVALID", "TLS needs both a certificate and a key");
  const read = (path: string, what: string): Buffer => {
    try {
      const data = readFileSync(path);
      if (!data.toString("latin1").includes("-----BEGIN")) throw new Error("not PEM");
      return data;
    } catch (e) {
      throw new ServiceError("TLS_INVALID", `cannot read TLS ${what} ${path}: ${errorMessage(e)}`, {
        cause: e,
      });
    }
  };
  return { cert: read(certPath, "certificate"), key: read(keyPath, "key") };
}

export interface TerminationOptions {
  /** What to log (default: stderr). */
  log?: (line: string) => void;
  /** Called with the exit code after stop() (default: process.exit). */
  exit?: (code: number) => void;
  /** Force exit 1 if draining takes longer (default 30 s). */
  drainTimeoutMs?: number;
  signals?: NodeJS.Signals[];
}

/**
 * SIGTERM / SIGINT → `stop()` (stop accepting, drain in-flight work, close the store) → exit 0.
 * A second signal or a drain that never ends exits 1. Returns a function that removes the handlers.
 */
export function stopOnSignal(
  name: string,
  stop: () => Promise<void>,
  opts: TerminationOptions = {},
): () => void {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signals = opts.signals ?? ["SIGTERM", "SIGINT"];
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${name}: second ${signal}, exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    log(`${name}: ${signal} received, draining`);
    const timer = setTimeout(() => {
      log(`${name}: drain timed out`);
      exit(1);
    }, opts.drainTimeoutMs ?? 30_000);
    timer.unref();
    stop().then(
      () => {
        clearTimeout(timer);
        log(`${name}: stopped`);
        exit(0);
      },
      (e: unknown) => {
        clearTimeout(timer);
        log(`${name}: error while stopping: ${errorMessage(e)}`);
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
