/**
 * Streams the entries of an OSV `all.zip` one by one (yauzl), so memory stays flat
 * however large the feed. Guards against zip bombs by capping the uncompressed size
 * of each entry and of the whole archive, and checks each entry's CRC-32 because
 * yauzl does not: a damaged archive must fail as a whole, not yield half-records.
 * Entries are inflated synchronously from their raw bytes: with thousands of small
 * records, per-entry zlib streams cost ten times more than the data itself.
 */
import { readFileSync } from "node:fs";
import { crc32, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { BulwarkError, errorMessage, requireRegularFile } from "@bulwark/model";

export interface ZipLimits {
  /** Largest uncompressed entry accepted (bytes). */
  entryBytes: number;
  /** Largest total uncompressed size accepted (bytes). */
  totalBytes: number;
}

// OSV records are a few kB; the largest real ones (kernel CVEs in distro feeds) are
// well under 16 MiB. The whole public bucket's largest archive is a few GiB unpacked.
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  entryBytes: 32 * 1024 * 1024,
  totalBytes: 16 * 1024 * 1024 * 1024,
};

export interface ZipEntryData {
  name: string;
  data: Buffer;
}

function feedInvalid(label: string, reason: string, cause?: unknown): BulwarkError {
  return new BulwarkError("FEED_INVALID", `${label}: corrupt or unsafe zip archive: ${reason}`, undefined, {
    cause,
  });
}

// Archives up to this size are read into memory, which makes entry access far cheaper.
const IN_MEMORY_BYTES = 1024 * 1024 * 1024;

function openZip(file: string, label: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, autoClose: true, strictFileNames: false };
    const done = (err: Error | null, zip?: yauzl.ZipFile): void => {
      if (err || !zip) reject(feedInvalid(label, errorMessage(err), err));
      else resolve(zip);
    };
    let size: number;
    try {
      size = requireRegularFile(file, "feed archive", "FEED_ZIP_BYTES");
    } catch (e) {
      return reject(feedInvalid(label, errorMessage(e), e));
    }
    if (size <= IN_MEMORY_BYTES) yauzl.fromBuffer(readFileSync(file), options, done);
    else yauzl.open(file, options, done);
  });
}

function readRawEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error("no stream"));
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", reject);
      stream.on("end", () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Refuses entries that would unpack too large or that we cannot decode, before reading them. */
function headerProblem(entry: yauzl.Entry, runningTotal: number, limits: ZipLimits): string | undefined {
  if (entry.uncompressedSize > limits.entryBytes)
    return `${entry.fileName} unpacks to ${entry.uncompressedSize} bytes (limit ${limits.entryBytes})`;
  if (runningTotal > limits.totalBytes) return `archive unpacks to more than ${limits.totalBytes} bytes`;
  if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8))
    return `${entry.fileName} is encrypted or uses compression method ${entry.compressionMethod}`;
  return undefined;
}

/** Inflates one entry's raw bytes and checks them against its header. */
function inflateChecked(raw: Buffer, entry: yauzl.Entry, label: string, limits: ZipLimits): Buffer {
  let data: Buffer;
  try {
    data = entry.compressionMethod === 8 ? inflateRawSync(raw, { maxOutputLength: limits.entryBytes }) : raw;
  } catch (e) {
    throw feedInvalid(label, `${entry.fileName}: ${errorMessage(e)}`, e);
  }
  if (data.length !== entry.uncompressedSize)
    throw feedInvalid(
      label,
      `${entry.fileName} unpacks to ${data.length} bytes, not the ${entry.uncompressedSize} its header says`,
    );
  if (crc32(data) !== entry.crc32) throw feedInvalid(label, `${entry.fileName} fails its CRC-32 check`);
  return data;
}

/**
 * Calls `onEntry` for every `.json` file in the archive, in archive order, and
 * `onCount` once with the number of entries. Throws FEED_INVALID if the archive is
 * damaged or exceeds the limits; `label` names the archive in that message.
 */
export async function readZipJsonEntries(
  file: string,
  label: string,
  onEntry: (entry: ZipEntryData) => void,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  onCount?: (entries: number) => void,
): Promise<void> {
  const zip = await openZip(file, label);
  onCount?.(zip.entryCount);
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    // Errors from the archive become FEED_INVALID; errors from `onEntry` pass through as they are.
    const fail = (e: unknown, fromArchive = true): void => {
      if (failed) return;
      failed = true;
      if (zip.isOpen) zip.close();
      reject(e instanceof BulwarkError || !fromArchive ? e : feedInvalid(label, errorMessage(e), e));
    };
    zip.on("error", fail);
    zip.on("end", () => {
      if (!failed) resolve();
    });
    zip.on("entry", (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith("/") || !entry.fileName.endsWith(".json")) return zip.readEntry();
      total += entry.uncompressedSize;
      const problem = headerProblem(entry, total, limits);
      if (problem) return fail(feedInvalid(label, problem));
      readRawEntry(zip, entry)
        .then((raw) => inflateChecked(raw, entry, label, limits))
        .then((data) => {
          try {
            onEntry({ name: entry.fileName, data });
          } catch (e) {
            return fail(e, false);
          }
          zip.readEntry();
        })
        .catch(fail);
    });
    zip.readEntry();
  });
}
