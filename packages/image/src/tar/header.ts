/**
 * One tar header block, decoded the way Go's archive/tar (and so docker, containerd and
 * skopeo) reads it: octal or GNU base-256 numbers, the ustar name prefix only on POSIX
 * headers, and a checksum that must match.
 */
export const BLOCK = 512;

export type EntryType = "file" | "link" | "symlink" | "directory" | "other";

/** The raw kinds of block a header can start: an entry, or an extended header for the next one. */
export type HeaderKind = EntryType | "pax" | "pax-global" | "gnu-long-name" | "gnu-long-link" | "gnu-sparse";

export interface RawHeader {
  kind: HeaderKind;
  name: string;
  linkname: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
}

export function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? length : nul).toString("utf8");
}

/** Octal, or GNU base-256 (high bit set) for sizes of 8 GiB and more and large ids. */
export function numeric(block: Buffer, start: number, length: number): number {
  if ((block[start] ?? 0) & 0x80) {
    let n = (block[start] ?? 0) & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (block[i] ?? 0);
    return n;
  }
  const text = field(block, start, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function kindOf(flag: string): HeaderKind {
  switch (flag) {
    case "0":
    case "\0":
    case "7": // contiguous file: a regular file everywhere that matters
      return "file";
    case "1":
      return "link";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    case "x":
      return "pax";
    case "g":
      return "pax-global";
    case "L":
      return "gnu-long-name";
    case "K":
      return "gnu-long-link";
    case "S":
      return "gnu-sparse";
    default:
      return "other";
  }
}

/** The stored checksum agrees with the block (unsigned sum, or the signed sum old writers used). */
function checksumOk(block: Buffer): boolean {
  const stored = numeric(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

export const isZeroBlock = (block: Buffer): boolean => block.every((b) => b === 0);

/** Decodes a header block; undefined when its checksum is wrong (not a tar header). */
export function decodeHeader(block: Buffer): RawHeader | undefined {
  if (!checksumOk(block)) return undefined;
  const posix = block.subarray(257, 265).toString("latin1") === "ustar\u000000";
  const prefix = posix ? field(block, 345, 155) : "";
  const name = field(block, 0, 100);
  return {
    kind: kindOf(String.fromCharCode(block[156] ?? 0)),
    name: prefix ? `${prefix}/${name}` : name,
    linkname: field(block, 157, 100),
    size: numeric(block, 124, 12),
    mode: numeric(block, 100, 8),
    uid: numeric(block, 108, 8),
    gid: numeric(block, 116, 8),
  };
}

/** PAX records (`<len> key=value\n`) in order, repeated keys kept (sparse format 0.0 repeats them). */
export function paxRecords(data: Buffer): Array<[string, string]> {
  const records: Array<[string, string]> = [];
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString("ascii"), 10);
    if (!Number.isSafeInteger(len) || len <= space - pos || pos + len > data.length) break;
    const record = data.subarray(space + 1, pos + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) records.push([record.slice(0, eq), record.slice(eq + 1)]);
    pos += len;
  }
  return records;
}

/** PAX records as a map: the last value of a key wins. */
export function parsePax(data: Buffer): Map<string, string> {
  return new Map(paxRecords(data));
}
