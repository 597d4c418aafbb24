/**
 * Minimal ELF reader: section headers (by name) and PT_LOAD segments (to turn a
 * virtual address into file bytes). Used for Go build info and cargo-auditable data.
 * Every offset is bounds-checked: executables in images are untrusted input.
 */
import { parseError } from "./util.js";

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
}

interface ElfSegment {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

const PT_LOAD = 1;
const SHT_NOBITS = 8;

export function isElf(buf: Buffer): boolean {
  return buf.length >= 52 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

export class Elf {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly sections: ElfSection[] = [];
  private readonly segments: ElfSegment[] = [];

  constructor(readonly buf: Buffer) {
    if (!isElf(buf)) throw parseError("not an ELF file");
    this.is64 = buf[4] === 2;
    this.littleEndian = buf[5] === 1;
    if ((buf[4] !== 1 && buf[4] !== 2) || (buf[5] !== 1 && buf[5] !== 2))
      throw parseError("ELF: bad class or data encoding");
    this.readSegments();
    this.readSections();
  }

  private u16(at: number): number {
    this.check(at, 2);
    return this.littleEndian ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }

  private u32(at: number): number {
    this.check(at, 4);
    return this.littleEndian ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  /** Address-sized word (4 or 8 bytes) as a bigint. */
  word(at: number, size = this.is64 ? 8 : 4): bigint {
    this.check(at, size);
    if (size === 4) return BigInt(this.littleEndian ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at));
    return this.littleEndian ? this.buf.readBigUInt64LE(at) : this.buf.readBigUInt64BE(at);
  }

  private check(at: number, len: number): void {
    if (at < 0 || at + len > this.buf.length) throw parseError("ELF: truncated");
  }

  private offsetNumber(v: bigint): number {
    if (v > BigInt(this.buf.length)) throw parseError("ELF: offset beyond end of file");
    return Number(v);
  }

  private readSegments(): void {
    const phoff = this.offsetNumber(this.word(this.is64 ? 32 : 28));
    const phentsize = this.u16(this.is64 ? 54 : 42);
    const phnum = this.u16(this.is64 ? 56 : 44);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      const type = this.u32(at);
      const offset = this.is64 ? this.word(at + 8) : BigInt(this.u32(at + 4));
      const vaddr = this.is64 ? this.word(at + 16) : BigInt(this.u32(at + 8));
      const filesz = this.is64 ? this.word(at + 32) : BigInt(this.u32(at + 16));
      if (type !== PT_LOAD) continue;
      const off = this.offsetNumber(offset);
      this.segments.push({
        type,
        offset: off,
        vaddr,
        filesz: Math.min(Number(filesz), this.buf.length - off),
      });
    }
  }

  private readSections(): void {
    const shoff = this.offsetNumber(this.word(this.is64 ? 40 : 32));
    const shentsize = this.u16(this.is64 ? 58 : 46);
    const shnum = this.u16(this.is64 ? 60 : 48);
    const shstrndx = this.u16(this.is64 ? 62 : 50);
    if (shoff === 0 || shnum === 0) return;
    const raw: Array<{ nameOff: number; type: number; addr: bigint; offset: number; size: number }> = [];
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * shentsize;
      const type = this.u32(at + 4);
      const addr = this.is64 ? this.word(at + 16) : BigInt(this.u32(at + 12));
      const rawOffset = this.is64 ? this.word(at + 24) : BigInt(this.u32(at + 16));
      const size = Number(this.is64 ? this.word(at + 32) : BigInt(this.u32(at + 20)));
      // NOBITS sections (.bss) occupy no file bytes; their offset may point past the end.
      const inFile = type !== SHT_NOBITS && rawOffset < BigInt(this.buf.length);
      const offset = inFile ? Number(rawOffset) : 0;
      const fileSize = inFile ? Math.min(size, this.buf.length - offset) : 0;
      raw.push({ nameOff: this.u32(at), type, addr, offset, size: fileSize });
    }
    const strtab = raw[shstrndx];
    for (const s of raw) {
      let name = "";
      if (strtab) {
        const start = strtab.offset + s.nameOff;
        const end = this.buf.indexOf(0, start);
        if (start < this.buf.length && end > 0 && end <= strtab.offset + strtab.size)
          name = this.buf.toString("latin1", start, end);
      }
      this.sections.push({ name, type: s.type, addr: s.addr, offset: s.offset, size: s.size });
    }
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  sectionData(s: ElfSection): Buffer {
    return this.buf.subarray(s.offset, s.offset + s.size);
  }

  /** `len` bytes at virtual address `addr`, or undefined when no loaded segment holds them. */
  readVirtual(addr: bigint, len: number): Buffer | undefined {
    for (const seg of this.segments) {
      if (addr < seg.vaddr) continue;
      const delta = addr - seg.vaddr;
      if (delta + BigInt(len) > BigInt(seg.filesz)) continue;
      const at = seg.offset + Number(delta);
      return this.buf.subarray(at, at + len);
    }
    return undefined;
  }
}
