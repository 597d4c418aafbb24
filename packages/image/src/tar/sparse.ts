/**
 * Sparse entries, which GNU tar writes for files with holes: the archive stores only the
 * data segments, and a map says where each goes in a file of `realSize` bytes (the holes are
 * zeros). Go's archive/tar, GNU tar and Python's tarfile all expand them, so the file a
 * runtime sees is the expanded one under its real name. Four encodings exist: the old GNU
 * header (type 'S', map in the header and extension blocks) and PAX versions 0.0, 0.1, 1.0.
 */
import { BLOCK, numeric } from "./header.js";

export interface Segment {
  offset: number;
  length: number;
}

export interface SparseMap {
  realSize: number;
  segments: Segment[];
}

/** A malformed archive: the caller names the layer. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TarFormatError";
  }
}

/** More segments than this is not a file anybody made: refuse rather than hold the map. */
export const MAX_SEGMENTS = 1_000_000;

function entries(block: Buffer, start: number, count: number): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * 24;
    if (block[at] === 0 && block[at + 12] === 0) break;
    out.push({ offset: numeric(block, at, 12), length: numeric(block, at + 12, 12) });
  }
  return out;
}

/** The old GNU header's own four map entries, whether extension blocks follow, the real size. */
export function oldGnuHeaderMap(header: Buffer): {
  segments: Segment[];
  extended: boolean;
  realSize: number;
} {
  return {
    segments: entries(header, 386, 4),
    extended: header[482] !== 0,
    realSize: numeric(header, 483, 12),
  };
}

/** One old GNU extension block: 21 more entries and whether another block follows. */
export function oldGnuExtension(block: Buffer): { segments: Segment[]; extended: boolean } {
  return { segments: entries(block, 0, 21), extended: block[504] !== 0 };
}

/** What PAX records say about a sparse entry, if anything. */
export interface PaxSparse {
  /** "1.0" keeps the map at the start of the data; the 0.x versions give it here. */
  version: "0.0" | "0.1" | "1.0";
  realSize: number;
  name?: string;
  segments?: Segment[];
}

const nonNegative = (v: string | undefined): number | undefined =>
  v !== undefined && /^\d{1,16}$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;

function pairs(numbers: Array<number | undefined>, what: string): Segment[] {
  if (numbers.length % 2 !== 0 || numbers.some((n) => n === undefined))
    throw new TarFormatError(`malformed sparse map (${what})`);
  if (numbers.length / 2 > MAX_SEGMENTS)
    throw new TarFormatError(`sparse map of over ${MAX_SEGMENTS} segments`);
  const out: Segment[] = [];
  for (let i = 0; i < numbers.length; i += 2) out.push({ offset: numbers[i]!, length: numbers[i + 1]! });
  return out;
}

export function paxSparse(records: ReadonlyArray<[string, string]>): PaxSparse | undefined {
  const get = (k: string) => records.findLast(([key]) => key === k)?.[1];
  const name = get("GNU.sparse.name");
  if (get("GNU.sparse.major") === "1" && get("GNU.sparse.minor") === "0") {
    const realSize = nonNegative(get("GNU.sparse.realsize"));
    if (realSize === undefined) throw new TarFormatError("sparse 1.0 entry without GNU.sparse.realsize");
    return { version: "1.0", realSize, name };
  }
  const size = get("GNU.sparse.size");
  if (size === undefined) return undefined;
  const realSize = nonNegative(size);
  if (realSize === undefined)
    throw new TarFormatError(`invalid GNU.sparse.size ${JSON.stringify(size.slice(0, 40))}`);
  const map = get("GNU.sparse.map");
  if (map !== undefined) {
    const nums = map === "" ? [] : map.split(",").map(nonNegative);
    return { version: "0.1", realSize, name, segments: pairs(nums, "GNU.sparse.map") };
  }
  const nums = records
    .filter(([k]) => k === "GNU.sparse.offset" || k === "GNU.sparse.numbytes")
    .map(([, v]) => nonNegative(v));
  return { version: "0.0", realSize, name, segments: pairs(nums, "GNU.sparse.offset/numbytes") };
}

/**
 * Sparse 1.0's map at the start of the data: a count, then offset and length per segment,
 * one decimal per line, padded to a block. `blocks` is what has been read of it so far;
 * undefined means "read another block".
 */
export function sparse10Map(blocks: Buffer): { segments: Segment[]; mapBytes: number } | undefined {
  const text = blocks.toString("latin1");
  const lines = text.split("\n");
  const complete = lines.slice(0, -1); // the last piece has no newline yet
  const count = nonNegative(complete[0]);
  if (complete.length === 0) return undefined;
  if (count === undefined) throw new TarFormatError("malformed sparse 1.0 map");
  if (count > MAX_SEGMENTS) throw new TarFormatError(`sparse map of over ${MAX_SEGMENTS} segments`);
  if (complete.length < 1 + 2 * count) return undefined;
  const nums = complete.slice(1, 1 + 2 * count).map(nonNegative);
  const used = complete.slice(0, 1 + 2 * count).reduce((n, l) => n + l.length + 1, 0);
  return { segments: pairs(nums, "sparse 1.0 map"), mapBytes: Math.ceil(used / BLOCK) * BLOCK };
}

/** Segments in order, inside the file, and exactly the stored bytes: else the archive lies. */
export function checkSparse(map: SparseMap, storedBytes: number): void {
  let end = 0;
  let total = 0;
  for (const s of map.segments) {
    if (s.offset < end || s.offset + s.length > map.realSize)
      throw new TarFormatError("sparse map segments overlap, go backwards or pass the file's end");
    end = s.offset + s.length;
    total += s.length;
  }
  if (total !== storedBytes)
    throw new TarFormatError(`sparse map covers ${total} bytes but the entry stores ${storedBytes}`);
}
