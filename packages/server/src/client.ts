import { randomUUID } from "node:crypto";
import {
  deadline,
  errorMessage,
  registeredScanners,
  type Inventory,
  type Report,
  type Scanner,
} from "./deps.js";
import { ServerError } from "./errors.js";
import type { IngestResult, ScanUpload } from "./repo/ingest.js";

/**
 * The scanner registry with each image scanner wrapped to keep the inventory it was given,
 * so an upload carries the inventory (the server re-matches it when advisories change)
 * without reading the image twice.
 */
export function captureInventory(registry: readonly Scanner[] = registeredScanners): {
  registry: Scanner[];
  inventory(): Inventory | undefined;
} {
  let captured: Inventory | undefined;
  const wrapped = registry.map((s): Scanner => {
    const scanImage = s.scanImage;
    if (!scanImage) return s;
    return {
      ...s,
      scanImage: (input, options) => {
        captured = input.inventory;
        return scanImage.call(s, input, options);
      },
    };
  });
  return { registry: wrapped, inventory: () => captured };
}

export interface UploadOptions {
  server: string;
  token: string;
  attempts?: number;
  log?: (line: string) => void;
}

/** POSTs a scan to `<server>/api/v1/scans` (see postWithRetry). */
export async function uploadScan(
  report: Report,
  inventory: Inventory | undefined,
  opts: UploadOptions,
  exposure?: ScanUpload["exposure"],
): Promise<IngestResult> {
  return postWithRetry<IngestResult>(
    "/api/v1/scans",
    scanUploadBody(report, inventory, exposure),
    opts,
    "report",
  );
}

/** What a scan upload carries, over HTTP or NATS: a fresh report id makes re-sending it harmless. */
export function scanUploadBody(
  report: Report,
  inventory: Inventory | undefined,
  exposure?: ScanUpload["exposure"],
): ScanUpload {
  return {
    reportId: `r-${randomUUID()}`,
    report,
    ...(exposure ? { exposure } : {}),
    ...(inventory
      ? {
          inventory: {
            target: inventory.target,
            packages: inventory.packages,
            layers: inventory.layers,
            ...(inventory.os ? { os: inventory.os } : {}),
            ...(inventory.image ? { image: inventory.image } : {}),
          },
        }
      : {}),
  };
}

/** What the server answers to an inventory upload. */
export interface InventoryResult {
  scanId: string;
  asset: string;
  duplicate: boolean;
  packages: number;
  matched: { dbVersion: string; new: number; fixed: number; reopened: number } | null;
}

/** POSTs an inventory (`bulwark sbom … --server`) to `<server>/api/v1/inventories`; the server matches it. */
export async function uploadInventory(inventory: Inventory, opts: UploadOptions): Promise<InventoryResult> {
  const body = {
    reportId: `i-${randomUUID()}`,
    target: inventory.target,
    inventory: {
      packages: inventory.packages,
      layers: inventory.layers,
      ...(inventory.os ? { os: inventory.os } : {}),
      ...(inventory.image ? { image: inventory.image } : {}),
    },
  };
  return postWithRetry<InventoryResult>("/api/v1/inventories", body, opts, "inventory");
}

/**
 * One id per upload makes retries safe: the server stores it once however often it arrives.
 * Retries network errors and 5xx with backoff; a 4xx is final and its message is shown.
 */
async function postWithRetry<T>(path: string, body: unknown, opts: UploadOptions, what: string): Promise<T> {
  const url = `${opts.server.replace(/\/+$/, "")}${path}`;
  const payload = JSON.stringify(body);
  const attempts = opts.attempts ?? 5;
  let last = "";
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, Math.min(8000, 250 * 2 ** i)));
    let res: Response;
    // One deadline covers connecting, sending and the whole answer: a server that accepts the
    // connection and then never answers must not hold the scan forever.
    const limitMs = deadline("UPLOAD_MS");
    let text: string;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${opts.token}` },
        body: payload,
        signal: AbortSignal.timeout(limitMs),
      });
      text = await res.text();
    } catch (e) {
      last =
        (e as Error).name === "TimeoutError"
          ? `no complete answer within ${limitMs} ms (BULWARK_UPLOAD_TIMEOUT_MS)`
          : errorMessage((e as { cause?: unknown }).cause ?? e);
      opts.log?.(`upload attempt ${i + 1} failed: ${last}`);
      continue;
    }
    if (res.ok) return JSON.parse(text) as T;
    last = `${res.status} ${serverMessage(text)}`;
    if (res.status < 500) throw new ServerError("UPLOAD_FAILED", `server refused the ${what}: ${last}`);
    opts.log?.(`upload attempt ${i + 1} failed: ${last}`);
  }
  throw new ServerError(
    "UPLOAD_FAILED",
    `could not upload the ${what} to ${opts.server} after ${attempts} attempts: ${last}`,
  );
}

function serverMessage(text: string): string {
  try {
    const b = JSON.parse(text) as { error?: string; message?: string };
    return `${b.error ?? ""}: ${b.message ?? ""}`;
  } catch {
    return text.slice(0, 200);
  }
}
