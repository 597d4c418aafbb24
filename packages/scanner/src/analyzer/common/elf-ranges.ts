/**
 * ELF headers read through `AnalyzerFile.readRange`: the few hundred bytes that say where a
 * section or segment lies, so analyzers of executables (Go build info, cargo-auditable data)
 * read those bytes and not the whole file — most executables in an image hold neither, and
 * reading each one in full was the largest cost of a small root filesystem's SBOM. Every
 * offset is untrusted: fields that do not fit read as 0 (absent), sizes are capped.
 */
import type { AnalyzerFile } from "@bulwark/model";
import { isElf } from "./elf.js";

/** The most of one section we read. */
export const MAX_SECTION = 16 * 1024 * 1024;
/** 65,535 headers of 64 bytes: the most a well-formed ELF header can describe. */
const MAX_TABLE = 65535 * 64;
const PT_LOAD = 1;
const PF_W = 2;
const SHT_NOBITS = 8;

export interface ElfHeader {
  is64: boolean;
  le: boolean;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

/** Reads fields of one ELF structure; offsets past the buffer read as 0 (a truncated file). */
function fields(buf: Buffer, le: boolean) {
  const ok = (at: number, n: number) => at >= 0 && at + n <= buf.length;
  return {
    u16: (at: number) => (ok(at, 2) ? (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at)) : 0),
    u32: (at: number) => (ok(at, 4) ? (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at)) : 0),
    /** An address-sized field as a safe integer (larger values are treated as absent). */
    word: (at: number, is64: boolean) => {
      if (!is64) return ok(at, 4) ? (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at)) : 0;
      if (!ok(at, 8)) return 0;
      // Two 32-bit halves, not a BigInt: this runs for every section of every executable.
      const lo = le ? buf.readUInt32LE(at) : buf.readUInt32BE(at + 4);
      const hi = le ? buf.readUInt32LE(at + 4) : buf.readUInt32BE(at);
      return hi >= 0x200000 ? 0 : hi * 0x100000000 + lo;
    },
  };
}

function parseHeader(head: Buffer): ElfHeader | undefined {
  if (!isElf(head) || (head[4] !== 1 && head[4] !== 2) || (head[5] !== 1 && head[5] !== 2)) return undefined;
  const is64 = head[4] === 2;
  const f = fields(head, head[5] === 1);
  return {
    is64,
    le: head[5] === 1,
    phoff: f.word(is64 ? 32 : 28, is64),
    shoff: f.word(is64 ? 40 : 32, is64),
    phentsize: f.u16(is64 ? 54 : 42),
    phnum: f.u16(is64 ? 56 : 44),
    shentsize: f.u16(is64 ? 58 : 46),
    shnum: f.u16(is64 ? 60 : 48),
    shstrndx: f.u16(is64 ? 62 : 50),
  };
}

/** The ELF header of `file`; undefined when it is not ELF. */
export async function readElfHeader(file: AnalyzerFile): Promise<ElfHeader | undefined> {
  return parseHeader(await file.readRange(0, 64));
}

export interface ElfSection {
  offset: number;
  size: number;
}

/**
 * The sections that have bytes in the file, by name; undefined when the file has no usable
 * section headers (stripped with sstrip, or a damaged table), where callers fall back to
 * segments.
 */
export function readSections(file: AnalyzerFile, h: ElfHeader): Promise<Map<string, ElfSection> | undefined> {
  // The Go and Rust analyzers both ask of every executable: parse its table once.
  let sections = parsedSections.get(file);
  if (!sections) parsedSections.set(file, (sections = parseSections(file, h)));
  return sections;
}

const parsedSections = new WeakMap<AnalyzerFile, Promise<Map<string, ElfSection> | undefined>>();

async function parseSections(file: AnalyzerFile, h: ElfHeader): Promise<Map<string, ElfSection> | undefined> {
  if (h.shoff === 0 || h.shnum === 0 || h.shentsize < (h.is64 ? 64 : 40) || h.shstrndx >= h.shnum)
    return undefined;
  const table = await file.readRange(h.shoff, Math.min(h.shnum * h.shentsize, MAX_TABLE));
  const f = fields(table, h.le);
  const entry = (i: number) => {
    const at = i * h.shentsize;
    return {
      name: f.u32(at),
      type: f.u32(at + 4),
      offset: f.word(at + (h.is64 ? 24 : 16), h.is64),
      size: f.word(at + (h.is64 ? 32 : 20), h.is64),
    };
  };
  const strtab = entry(h.shstrndx);
  const names = await file.readRange(strtab.offset, Math.min(strtab.size, MAX_SECTION));
  const sections = new Map<string, ElfSection>();
  for (let i = 0; i < h.shnum; i++) {
    const s = entry(i);
    const end = names.indexOf(0, s.name);
    if (s.type === SHT_NOBITS || s.name >= names.length || end < 0) continue;
    const name = names.toString("latin1", s.name, end);
    if (name && !sections.has(name)) sections.set(name, { offset: s.offset, size: s.size });
  }
  return sections.size > 0 ? sections : undefined;
}

/** File offset and size of the section called `name`; undefined when there is none. */
export async function findSection(
  file: AnalyzerFile,
  h: ElfHeader,
  name: string,
): Promise<ElfSection | undefined> {
  return (await readSections(file, h))?.get(name);
}

/** File offset of the first writable loaded segment. */
export async function firstWritableSegment(file: AnalyzerFile, h: ElfHeader): Promise<number | undefined> {
  if (h.phoff === 0 || h.phnum === 0 || h.phentsize < (h.is64 ? 56 : 32)) return undefined;
  const table = await file.readRange(h.phoff, Math.min(h.phnum * h.phentsize, MAX_TABLE));
  const f = fields(table, h.le);
  for (let i = 0; i < h.phnum; i++) {
    const at = i * h.phentsize;
    const flags = f.u32(at + (h.is64 ? 4 : 24));
    if (f.u32(at) === PT_LOAD && flags & PF_W) return f.word(at + (h.is64 ? 8 : 4), h.is64);
  }
  return undefined;
}
