/**
 * Reads a tar stream entry by entry, as the container runtime that will unpack it does (Go's
 * archive/tar): PAX `path`/`linkpath`/`size`/`uid`/`gid` and GNU long names override the
 * header, base-256 numbers, checksums checked, sparse files (old GNU and PAX 0.0/0.1/1.0)
 * expanded under their real names. Bytes of entries nobody reads are skipped uncopied.
 */
import { constants } from "node:buffer";
import {
  BLOCK,
  decodeHeader,
  field,
  isZeroBlock,
  paxRecords,
  type EntryType,
  type RawHeader,
} from "./header.js";
import { ByteSource } from "./source.js";
import {
  checkSparse,
  oldGnuExtension,
  oldGnuHeaderMap,
  paxSparse,
  sparse10Map,
  TarFormatError,
  type PaxSparse,
  type SparseMap,
} from "./sparse.js";

/** Extended headers (PAX records, GNU long names, sparse maps) larger than this are refused. */
const MAX_EXTENDED_HEADER = 1024 * 1024;

export interface TarEntry {
  /** The name as the runtime sees it (after PAX, GNU long name and sparse-name overrides). */
  name: string;
  type: EntryType;
  /** The file's size: for a sparse file, its expanded size. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname: string;
  sparse?: SparseMap;
  /** The entry's bytes (sparse files expanded), at most once and before the next entry. */
  read(): Promise<Buffer>;
  /** The same bytes as the stream's own pieces, uncopied (instead of `read`, same rules). */
  readParts(): Promise<Buffer[]>;
}

interface Pending {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  sparse?: PaxSparse;
}

const decimal = (v: string | undefined, key: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new TarFormatError(`invalid PAX ${key} ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
};

function applyPax(p: Pending, records: Array<[string, string]>): Pending {
  const get = (k: string) => records.findLast(([key]) => key === k)?.[1];
  return {
    path: get("path") ?? p.path,
    linkpath: get("linkpath") ?? p.linkpath,
    size: decimal(get("size"), "size") ?? p.size,
    uid: decimal(get("uid"), "uid") ?? p.uid,
    gid: decimal(get("gid"), "gid") ?? p.gid,
    sparse: paxSparse(records) ?? p.sparse,
  };
}

class TarReader {
  constructor(private readonly src: ByteSource) {}

  async block(): Promise<Buffer> {
    const b = await this.src.take(BLOCK);
    if (!b) throw new TarFormatError("truncated: the stream ends inside a 512-byte block");
    return b;
  }

  async data(size: number, what: string): Promise<Buffer> {
    if (size > MAX_EXTENDED_HEADER)
      throw new TarFormatError(`${what} of ${size} bytes (over ${MAX_EXTENDED_HEADER})`);
    const d = await this.src.take(size);
    if (!d || !(await this.src.skip(padding(size)))) throw new TarFormatError(`truncated ${what}`);
    return d;
  }

  async skip(n: number): Promise<void> {
    if (!(await this.src.skip(n))) throw new TarFormatError("truncated entry data");
  }

  /** Old GNU sparse: the header's map plus any extension blocks that follow the header. */
  async oldGnuMap(header: Buffer): Promise<SparseMap> {
    const first = oldGnuHeaderMap(header);
    const segments = [...first.segments];
    let extended = first.extended;
    while (extended) {
      const ext = oldGnuExtension(await this.block());
      segments.push(...ext.segments);
      extended = ext.extended;
      if (segments.length * 24 > MAX_EXTENDED_HEADER) throw new TarFormatError("sparse map too large");
    }
    return { realSize: first.realSize, segments };
  }

  /** Sparse 1.0: the map is read from the start of the entry's data. */
  async sparse10(): Promise<{ segments: SparseMap["segments"]; mapBytes: number }> {
    const blocks: Buffer[] = [];
    for (;;) {
      blocks.push(await this.block());
      const m = sparse10Map(Buffer.concat(blocks));
      if (m) return m;
      if (blocks.length * BLOCK > MAX_EXTENDED_HEADER) throw new TarFormatError("sparse map too large");
    }
  }

  async expand(map: SparseMap): Promise<Buffer> {
    if (map.realSize > constants.MAX_LENGTH)
      throw new TarFormatError(`sparse file of ${map.realSize} bytes cannot be held in memory`);
    const out = Buffer.alloc(map.realSize);
    for (const s of map.segments)
      if (!(await this.src.copyInto(out, s.offset, s.length)))
        throw new TarFormatError("truncated sparse data");
    return out;
  }

  async takeParts(n: number): Promise<Buffer[]> {
    const parts = await this.src.takeParts(n);
    if (!parts) throw new TarFormatError("truncated entry data");
    return parts;
  }
}

const padding = (n: number) => (BLOCK - (n % BLOCK)) % BLOCK;
const EXTENDED = new Set(["pax", "pax-global", "gnu-long-name", "gnu-long-link"]);

export async function* readTar(stream: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const src = new ByteSource(stream);
  const r = new TarReader(src);
  let pending: Pending = {};
  try {
    for (;;) {
      // A stream that ends at a block boundary, or a zero block, ends the archive (as in Go);
      // one that ends inside a header is truncated.
      if (await src.atEnd()) return;
      const block = await r.block();
      if (isZeroBlock(block)) {
        // The rest (the second end block, record padding) is read too: the layer's diffID is
        // the hash of every byte, as a runtime that unpacks it reads them all.
        await src.drain();
        return;
      }
      const h = decodeHeader(block);
      if (!h) throw new TarFormatError("invalid tar header (checksum mismatch)");
      if (!Number.isSafeInteger(h.size) || h.size < 0) throw new TarFormatError("invalid size field");
      if (EXTENDED.has(h.kind)) {
        pending = await extended(r, h, pending);
        continue;
      }
      const dataLen = pending.size ?? h.size;
      let sparse: SparseMap | undefined;
      let stored = dataLen;
      if (h.kind === "gnu-sparse") sparse = await r.oldGnuMap(block);
      else if (pending.sparse?.version === "1.0") {
        const m = await r.sparse10();
        stored = dataLen - m.mapBytes;
        sparse = { realSize: pending.sparse.realSize, segments: m.segments };
      } else if (pending.sparse)
        sparse = { realSize: pending.sparse.realSize, segments: pending.sparse.segments ?? [] };
      if (stored < 0) throw new TarFormatError("sparse map larger than the entry");
      if (sparse) checkSparse(sparse, stored);
      let consumed = false;
      const entry: TarEntry = {
        name: pending.sparse?.name ?? pending.path ?? h.name,
        type: h.kind === "gnu-sparse" ? "file" : (h.kind as EntryType),
        size: sparse ? sparse.realSize : dataLen,
        mode: h.mode,
        uid: pending.uid ?? h.uid,
        gid: pending.gid ?? h.gid,
        linkname: pending.linkpath ?? h.linkname,
        sparse,
        readParts: async () => {
          if (consumed) throw new Error("tar entry read twice or after the next entry");
          consumed = true;
          return sparse ? [await r.expand(sparse)] : r.takeParts(stored);
        },
        read: async () => {
          const parts = await entry.readParts();
          return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        },
      };
      pending = {};
      yield entry;
      if (!consumed) {
        consumed = true;
        await r.skip(stored);
      }
      await r.skip(padding(dataLen));
    }
  } finally {
    // Never wait on the source here: a stream that stalls would hold the walk forever.
    src.close().catch(() => {});
  }
}

async function extended(r: TarReader, h: RawHeader, pending: Pending): Promise<Pending> {
  const data = await r.data(h.size, `${h.kind} header`);
  switch (h.kind) {
    case "pax":
      return applyPax(pending, paxRecords(data));
    case "gnu-long-name":
      return { ...pending, path: field(data, 0, data.length) };
    case "gnu-long-link":
      return { ...pending, linkpath: field(data, 0, data.length) };
    default:
      return pending; // global PAX headers are not applied to entries, as Go does not
  }
}
