import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { crc32 } from "node:zlib";
import { BulwarkError, errorMessage, type LimitName, openBoundedFileSync } from "@bulwark/model";

/**
 * A cache file read head first. Only its first line is kept; the rest is checked (CRC-32)
 * through one small buffer and read again by range when asked. A warm scan of a one-layer
 * image needs the head and a few owned-file lists: reading the whole 3 MB file into fresh
 * memory cost ~13 ms of page faults and copies, the streamed check ~3 ms.
 */
export interface HeadFirst {
  /** The first line, without its newline. */
  head: Buffer;
  /** CRC-32 of every byte after the head's newline. */
  tailCrc32: number;
  /** Byte ranges [start, end) in the file of the lines after the head, newlines excluded. */
  lines: Array<[number, number]>;
  /**
   * The bytes [start, end) of the file, read again. Writers replace files whole, by rename: a
   * file replaced since (two scans missed the same layer and both wrote it) serves when its
   * head and tail CRC-32 equal the first one's; otherwise this throws one line naming the file.
   */
  range(start: number, end: number): Buffer;
}

/** Large enough for the head of a full Debian layer (~0.3 MB) in one read. */
const FIRST_READ = 512 * 1024;
const PIECE = 256 * 1024;

/** Read `path` head first, bounded as readBoundedFileSync reads. */
export function readHeadFirst(path: string, what: string, name: LimitName): HeadFirst {
  const first = readOnce(path, what, name);
  let identity = first.identity;
  const range = (start: number, end: number): Buffer => {
    const bytes = readRangeOf(path, what, identity, start, end);
    if (bytes) return bytes;
    const again = readOnce(path, what, name);
    if (!again.head.equals(first.head) || again.tailCrc32 !== first.tailCrc32)
      throw new BulwarkError("IO", `${what} ${path} was replaced while in use; scan again`);
    identity = again.identity;
    const retried = readRangeOf(path, what, identity, start, end);
    if (!retried)
      throw new BulwarkError("IO", `${what} ${path} keeps being replaced while in use; scan again`);
    return retried;
  };
  return { head: first.head, tailCrc32: first.tailCrc32, lines: first.lines, range };
}

function readOnce(
  path: string,
  what: string,
  name: LimitName,
): Omit<HeadFirst, "range"> & { identity: string } {
  const { fd, stats } = openBoundedFileSync(path, what, name);
  try {
    const { head, read } = readFirstLine(fd, stats.size);
    const tail = scanTail(fd, stats.size, head.length + 1, read.subarray(head.length + 1));
    return { head, ...tail, identity: identityOf(stats) };
  } finally {
    closeSync(fd);
  }
}

/** The first line and every byte read with it; the file's own bytes when it has no newline. */
function readFirstLine(fd: number, size: number): { head: Buffer; read: Buffer } {
  let buf = Buffer.allocUnsafe(Math.min(size, FIRST_READ));
  let filled = 0;
  for (;;) {
    if (filled === buf.length) {
      if (buf.length === size) break;
      const bigger = Buffer.allocUnsafe(Math.min(size, buf.length * 2));
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const n = readSync(fd, buf, filled, buf.length - filled, filled);
    if (n === 0) break;
    const read = buf.subarray(0, filled + n);
    const newline = read.indexOf(0x0a, filled);
    filled += n;
    if (newline >= 0) return { head: read.subarray(0, newline), read };
  }
  const read = buf.subarray(0, filled);
  return { head: read, read };
}

/** CRC-32 and line ranges of the bytes from `from` on, of which `already` were read with the head. */
function scanTail(
  fd: number,
  size: number,
  from: number,
  already: Buffer,
): Pick<HeadFirst, "tailCrc32" | "lines"> {
  if (from > size) return { tailCrc32: 0, lines: [] };
  const newlines: number[] = [];
  const note = (bytes: Buffer, at: number) => {
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) newlines.push(at + i);
  };
  let crc = crc32(already);
  note(already, from);
  const piece = Buffer.allocUnsafe(Math.min(PIECE, size));
  for (let at = from + already.length; at < size;) {
    const n = readSync(fd, piece, 0, Math.min(piece.length, size - at), at);
    if (n === 0) break;
    const bytes = piece.subarray(0, n);
    crc = crc32(bytes, crc);
    note(bytes, at);
    at += n;
  }
  const starts = [from, ...newlines.map((n) => n + 1)];
  const ends = [...newlines, size];
  return { tailCrc32: crc, lines: starts.map((s, i) => [s, ends[i]!]) };
}

const identityOf = (st: Stats) => `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

/** The bytes [start, end) of the file if it is still the one with `identity`, else undefined. */
function readRangeOf(
  path: string,
  what: string,
  identity: string,
  start: number,
  end: number,
): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw new BulwarkError("IO", `${what} ${path}: ${errorMessage(e)}; scan again`, undefined, { cause: e });
  }
  try {
    if (identityOf(fstatSync(fd)) !== identity) return undefined;
    const buf = Buffer.allocUnsafe(end - start);
    let filled = 0;
    while (filled < buf.length) {
      const n = readSync(fd, buf, filled, buf.length - filled, start + filled);
      if (n === 0)
        throw new BulwarkError("IO", `${what} ${path} is shorter than when it was read; scan again`);
      filled += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}
