/** Read selected entries of a zip held in memory, with size and count limits (zip bombs). */
import type yauzl from "yauzl";
import { parseError } from "../common/util.js";

export interface ZipLimits {
  maxEntries: number;
  /** Largest entry we decompress; bigger ones are skipped. */
  maxEntrySize: number;
  /** Total bytes decompressed for one archive. */
  budget: { remaining: number };
}

/**
 * Calls `select` for each entry name; entries it accepts are decompressed and handed to
 * `onEntry`. yauzl checks the actual decompressed size against the declared one.
 */
export async function readZipEntries(
  buf: Buffer,
  select: (name: string) => boolean,
  onEntry: (name: string, data: Buffer) => void,
  limits: ZipLimits,
): Promise<void> {
  let zip: yauzl.ZipFile;
  // Loaded on first use: most images hold no Java archive (and the bundle keeps yauzl apart).
  const { default: unzip } = await import("yauzl");
  try {
    zip = await unzip.fromBufferPromise(buf, { strictFileNames: false, validateEntrySizes: true });
  } catch (e) {
    throw parseError(`not a zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw parseError(`zip has ${zip.entryCount} entries (limit ${limits.maxEntries})`);
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith("/") || !select(entry.fileName)) continue;
      if (entry.uncompressedSize > limits.maxEntrySize || entry.uncompressedSize > limits.budget.remaining)
        continue;
      if (entry.isEncrypted() || !entry.canDecodeFileData()) continue;
      limits.budget.remaining -= entry.uncompressedSize;
      onEntry(entry.fileName, await readStream(await zip.openReadStreamPromise(entry)));
    }
  } catch (e) {
    if (e instanceof Error && e.name === "BulwarkError") throw e;
    throw parseError(`corrupt zip archive (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    zip.close();
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
