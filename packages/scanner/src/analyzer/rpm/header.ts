/**
 * The rpm header blob as stored in the rpmdb (no lead, no 8-byte header magic):
 *   int32 il, int32 dl, il × {int32 tag, int32 type, int32 offset, int32 count}, dl bytes of data.
 * All integers are big-endian. We read only the tags a package inventory needs.
 */
import { parseError } from "../common/util.js";

export const Tag = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
} as const;

const Type = {
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

interface Entry {
  type: number;
  offset: number;
  count: number;
}

export class RpmHeader {
  private readonly entries = new Map<number, Entry>();
  private readonly data: Buffer;

  constructor(blob: Buffer) {
    if (blob.length < 8) throw parseError("rpm header: truncated");
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    const dataStart = 8 + il * 16;
    // rpm itself caps headers at 256 MiB and 0xffff entries per region; reject anything larger.
    if (il > 0x10000 || dl > 256 * 1024 * 1024 || dataStart + dl > blob.length) {
      throw parseError("rpm header: index or data length out of range");
    }
    this.data = blob.subarray(dataStart, dataStart + dl);
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = blob.readUInt32BE(at);
      const entry = {
        type: blob.readUInt32BE(at + 4),
        offset: blob.readInt32BE(at + 8),
        count: blob.readUInt32BE(at + 12),
      };
      if (entry.offset < 0 || entry.offset > dl)
        throw parseError(`rpm header: tag ${tag} offset out of range`);
      this.entries.set(tag, entry);
    }
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== Type.string && e.type !== Type.i18nString && e.type !== Type.stringArray) return undefined;
    return this.readStrings(e, 1)[0];
  }

  strings(tag: number): string[] {
    const e = this.entries.get(tag);
    if (!e) return [];
    if (e.type !== Type.stringArray && e.type !== Type.string && e.type !== Type.i18nString) {
      throw parseError(`rpm header: tag ${tag} is not a string array`);
    }
    return this.readStrings(e, e.type === Type.stringArray ? e.count : 1);
  }

  ints(tag: number): number[] {
    const e = this.entries.get(tag);
    if (!e) return [];
    const width = { [Type.int8]: 1, [Type.int16]: 2, [Type.int32]: 4, [Type.int64]: 8 }[e.type];
    if (!width) throw parseError(`rpm header: tag ${tag} is not an integer`);
    if (e.offset + e.count * width > this.data.length)
      throw parseError(`rpm header: tag ${tag} overruns the data`);
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * width;
      if (width === 1) out.push(this.data.readUInt8(at));
      else if (width === 2) out.push(this.data.readUInt16BE(at));
      else if (width === 4) out.push(this.data.readUInt32BE(at));
      else out.push(Number(this.data.readBigUInt64BE(at)));
    }
    return out;
  }

  private readStrings(e: Entry, count: number): string[] {
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) throw parseError("rpm header: unterminated string");
      out.push(this.data.toString("utf8", at, end));
      at = end + 1;
    }
    return out;
  }
}

/** Installed file paths: dirnames[dirindexes[i]] + basenames[i], or the pre-4.x flat list. */
export function headerFiles(h: RpmHeader): string[] {
  const bases = h.strings(Tag.baseNames);
  if (bases.length === 0) return h.strings(Tag.oldFilenames);
  const dirs = h.strings(Tag.dirNames);
  const idx = h.ints(Tag.dirIndexes);
  if (idx.length !== bases.length) throw parseError("rpm header: dirindexes and basenames differ in length");
  return bases.map((b, i) => {
    const dir = dirs[idx[i] ?? -1];
    if (dir === undefined) throw parseError("rpm header: dirindex out of range");
    return dir + b;
  });
}
