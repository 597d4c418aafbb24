/**
 * HTTP(S) downloads for feeds. Every failure names the URL: NETWORK when the server
 * cannot be reached or stalls, DB_SOURCE when it answers with an error status.
 */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { BulwarkError, deadline, errorMessage, limit, type LimitName } from "@bulwark/model";

export interface FetchOptions {
  /** Gives up when no byte arrives for this long (connect, headers or body). */
  stallMs?: number;
  /** Called as bytes arrive; `total` is 0 when the server sends no length. */
  onBytes?: (done: number, total: number) => void;
}

const DEFAULT_STALL_MS = 60_000;

function causeText(e: unknown): string {
  const cause = (e as { cause?: unknown })?.cause;
  const code = (cause as { code?: string })?.code;
  return code ?? errorMessage(cause ?? e);
}

/** A stall timer the body reader keeps resetting; aborts the request when it fires. */
function stallGuard(
  ms: number,
  total: number,
): {
  signal: AbortSignal;
  touch: () => void;
  stop: () => void;
  stalled: () => boolean;
} {
  const controller = new AbortController();
  let fired = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fired = true;
      controller.abort();
    }, ms);
  };
  const deadline = setTimeout(() => {
    fired = true;
    controller.abort();
  }, total);
  touch();
  const stop = () => {
    clearTimeout(timer);
    clearTimeout(deadline);
  };
  return { signal: controller.signal, touch, stop, stalled: () => fired };
}

/** Counts bytes as they arrive and fails past the bound, so an endless body cannot fill memory or disk. */
function countBytes(
  url: string,
  name: LimitName,
  guard: { touch: () => void },
  opts: FetchOptions,
  total: number,
) {
  const max = limit(name);
  let done = 0;
  return (chunk: Buffer): void => {
    guard.touch();
    done += chunk.length;
    opts.onBytes?.(done, total);
    if (done > max)
      throw new BulwarkError(
        "FILE_TOO_LARGE",
        `cannot download ${url}: more than ${max} bytes (raise BULWARK_MAX_${name})`,
      );
  };
}

/**
 * Total time one download may take, whatever the stall timer says (a server trickling a byte
 * a second never stalls): BULWARK_DOWNLOAD_TOTAL_MS, default 30 minutes.
 */
function totalMs(): number {
  return deadline("DOWNLOAD_TOTAL_MS");
}

/** Fetches `url`; resolves undefined on 404 so callers can treat an absent file as optional. */
async function get(
  url: string,
  opts: FetchOptions,
): Promise<{ res: Response; guard: ReturnType<typeof stallGuard> } | undefined> {
  const guard = stallGuard(opts.stallMs ?? DEFAULT_STALL_MS, totalMs());
  let res: Response;
  try {
    res = await fetch(url, { signal: guard.signal, redirect: "follow" });
  } catch (e) {
    guard.stop();
    const why = guard.stalled()
      ? `no response within ${(opts.stallMs ?? DEFAULT_STALL_MS) / 1000} s`
      : causeText(e);
    throw new BulwarkError("NETWORK", `cannot download ${url}: ${why}`, undefined, { cause: e });
  }
  if (res.status === 404) {
    guard.stop();
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok || !res.body) {
    guard.stop();
    await res.body?.cancel();
    throw new BulwarkError("DB_SOURCE", `cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
  }
  return { res, guard };
}

/** Streams `url` into `dest` (at most FEED_ZIP_BYTES); returns false when the server says 404. */
export async function downloadToFile(url: string, dest: string, opts: FetchOptions = {}): Promise<boolean> {
  const got = await get(url, opts);
  if (!got) return false;
  const { res, guard } = got;
  const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
  const count = countBytes(
    url,
    "FEED_ZIP_BYTES",
    guard,
    opts,
    Number(res.headers.get("content-length") ?? 0) || 0,
  );
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          count(chunk);
          yield chunk;
        }
      },
      createWriteStream(dest),
    );
  } catch (e) {
    if (e instanceof BulwarkError) throw e;
    const why = guard.stalled() ? "download stalled or passed its deadline" : causeText(e);
    throw new BulwarkError("NETWORK", `cannot download ${url}: ${why}`, undefined, { cause: e });
  } finally {
    guard.stop();
  }
  return true;
}

/** Reads `url` into memory (small files: KEV, ecosystems.txt; at most KEV_BYTES); undefined on 404. */
export async function downloadToBuffer(url: string, opts: FetchOptions = {}): Promise<Buffer | undefined> {
  const got = await get(url, opts);
  if (!got) return undefined;
  const { res, guard } = got;
  const count = countBytes(url, "KEV_BYTES", guard, opts, 0);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>)) {
      count(chunk as Buffer);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } catch (e) {
    if (e instanceof BulwarkError) {
      guard.stop();
      await res.body?.cancel().catch(() => {});
      throw e;
    }
    const why = guard.stalled() ? "download stalled or passed its deadline" : causeText(e);
    throw new BulwarkError("NETWORK", `cannot download ${url}: ${why}`, undefined, { cause: e });
  } finally {
    guard.stop();
  }
}
